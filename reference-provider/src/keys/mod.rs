//! Signing keys: generation, PKCS#8 persistence, compact JWS signing, JWKS, rotation.
