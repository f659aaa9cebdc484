//! Compact JWS: round trips, tampering, header rules, unsigned tokens, malformed input.

use super::*;

#[test]
fn every_alg_round_trips_through_the_ring() {
    let ring = ring_all();
    for alg in SigningAlg::ALL {
        let signer = ring.active(alg).expect("active");
        let token = encode_jws(signer, Some("JWT"), &claims()).expect("encode");
        let (header, got) = ring.verify(&token).expect("verify");
        assert_eq!(
            header,
            json!({"alg": alg.as_str(), "kid": format!("k-{alg}"), "typ": "JWT"})
        );
        assert_eq!(got, claims());
        let no_typ = encode_jws(signer, None, &claims()).expect("encode");
        let (header, _) = ring.verify(&no_typ).expect("verify");
        assert!(header.get("typ").is_none());
    }
}

#[test]
fn tampered_payload_or_signature_fails() {
    let ring = ring_all();
    for alg in SigningAlg::ALL {
        let token = encode_jws(ring.active(alg).expect("active"), None, &claims()).expect("enc");
        let p = parts(&token);
        let forged = URL_SAFE_NO_PAD.encode(br#"{"sub":"mallory"}"#);
        let tampered_payload = format!("{}.{forged}.{}", p[0], p[2]);
        assert!(
            matches!(
                ring.verify(&tampered_payload),
                Err(KeyError::BadSignature { .. })
            ),
            "{alg}"
        );
        let mut sig = URL_SAFE_NO_PAD.decode(&p[2]).expect("b64");
        sig[10] ^= 0x01;
        let tampered_sig = format!("{}.{}.{}", p[0], p[1], URL_SAFE_NO_PAD.encode(&sig));
        assert!(
            matches!(
                ring.verify(&tampered_sig),
                Err(KeyError::BadSignature { .. })
            ),
            "{alg}"
        );
        let empty_sig = format!("{}.{}.", p[0], p[1]);
        assert!(
            matches!(ring.verify(&empty_sig), Err(KeyError::BadSignature { .. })),
            "{alg}"
        );
    }
}

#[test]
fn header_alg_must_equal_the_keys_alg() {
    let ring = ring_all();
    let es = ring.active(SigningAlg::Es256).expect("es");
    let token = encode_jws_with_header(es, &json!({"alg": "RS256"}), &claims()).expect("enc");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::AlgMismatch { expected: SigningAlg::Es256, ref found, .. }) if found == "RS256"
    ));
    let token = encode_jws_with_header(es, &json!({"alg": "HS256"}), &claims()).expect("enc");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::UnknownAlg { .. })
    ));
}

#[test]
fn rs256_and_ps256_paddings_are_not_interchangeable() {
    // Same RSA material published twice: as RS256 (kid "rs") and PS256 (kid "ps").
    let rs = key(SigningAlg::Rs256, "rs");
    let pem_ps = key(SigningAlg::Rs256, "ps");
    let ps =
        SigningKey::from_pkcs8(SigningAlg::Ps256, "ps".to_owned(), pem_ps.pkcs8_der()).expect("ps");
    let ring = KeyRing::new(vec![entry(rs, 1), entry(ps, 1)], 1);
    let signer = ring.active(SigningAlg::Rs256).expect("rs");
    // A PKCS#1 v1.5 signature presented as PS256 under the PS256 kid must not verify.
    let token = encode_jws_with_header(signer, &json!({"alg": "PS256", "kid": "ps"}), &claims())
        .expect("enc");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::BadSignature { .. })
    ));
}

#[test]
fn unknown_or_missing_kid_fails() {
    let ring = ring_all();
    let rs = ring.active(SigningAlg::Rs256).expect("rs");
    let token = encode_jws_with_header(rs, &json!({"kid": "not-published"}), &claims()).expect("e");
    assert!(
        matches!(ring.verify(&token), Err(KeyError::UnknownKid { ref kid }) if kid == "not-published")
    );
    // A key that was never in the ring, with a correct header.
    let outsider = key(SigningAlg::EdDsa, "outsider");
    let token = encode_jws(&outsider, None, &claims()).expect("enc");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::UnknownKid { .. })
    ));
    // `null` removes the member from the header.
    let token = encode_jws_with_header(rs, &json!({"kid": null}), &claims()).expect("enc");
    assert!(decode_json(&parts(&token)[0]).get("kid").is_none());
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::MissingKid { .. })
    ));
    let token = encode_jws_with_header(rs, &json!({"kid": 7}), &claims()).expect("enc");
    assert!(
        matches!(ring.verify(&token), Err(KeyError::MissingKid { ref found }) if found == "number")
    );
}

#[test]
fn unsigned_tokens_are_built_as_specified_and_rejected() {
    let ring = ring_all();
    let token = insecure_encode_unsigned(&claims(), Some("JWT"));
    let p = parts(&token);
    assert_eq!(p.len(), 3);
    assert_eq!(p[2], "", "an unsecured JWS has an empty signature part");
    assert_eq!(decode_json(&p[0]), json!({"alg": "none", "typ": "JWT"}));
    assert_eq!(decode_json(&p[1]), claims());
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::UnsignedToken { .. })
    ));
    // Case variants of "none", even carrying a real signature and kid, are rejected too.
    let rs = ring.active(SigningAlg::Rs256).expect("rs");
    let token = encode_jws_with_header(rs, &json!({"alg": "None"}), &claims()).expect("enc");
    assert!(
        matches!(ring.verify(&token), Err(KeyError::UnsignedToken { ref found }) if found == "None")
    );
    assert!(
        decode_json(&parts(&insecure_encode_unsigned(&claims(), None))[0])
            == json!({"alg": "none"})
    );
}

#[test]
fn crit_headers_are_rejected() {
    let ring = ring_all();
    let es = ring.active(SigningAlg::Es256).expect("es");
    let header = json!({"crit": ["exp"], "exp": 1});
    let token = encode_jws_with_header(es, &header, &claims()).expect("enc");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::CriticalHeader { .. })
    ));
}

#[test]
fn header_overrides_are_merged_over_the_defaults() {
    let ring = ring_all();
    let ed = ring.active(SigningAlg::EdDsa).expect("ed");
    let header = json!({"typ": "at+jwt", "x-test": true});
    let token = encode_jws_with_header(ed, &header, &claims()).expect("enc");
    let (got, _) = ring.verify(&token).expect("verify");
    assert_eq!(
        got,
        json!({"alg": "EdDSA", "kid": "k-EdDSA", "typ": "at+jwt", "x-test": true})
    );
    assert!(matches!(
        encode_jws_with_header(ed, &json!(["alg"]), &claims()),
        Err(KeyError::HeaderNotObject { found: "array" })
    ));
}

#[test]
fn malformed_tokens_are_rejected_before_any_key_lookup() {
    let ring = ring_all();
    let good = encode_jws(ring.active(SigningAlg::Es256).expect("es"), None, &claims()).expect("e");
    let p = parts(&good);
    let b64 = |s: &str| URL_SAFE_NO_PAD.encode(s);
    let cases = [
        String::new(),
        format!("{}.{}", p[0], p[1]),
        format!("{good}.extra"),
        format!("{}=.{}.{}", p[0], p[1], p[2]),
        format!("!!.{}.{}", p[1], p[2]),
        format!("{}.{}.{}", b64("[1]"), p[1], p[2]),
        format!("{}.{}.{}", b64("{not json"), p[1], p[2]),
        format!("{}.{}.{}", b64(r#"{"kid":"k-ES256"}"#), p[1], p[2]),
        format!("{}.{}.{}", p[0], p[1], "*"),
    ];
    for token in &cases {
        assert!(
            matches!(ring.verify(token), Err(KeyError::MalformedToken { .. })),
            "{token}"
        );
    }
    // Claims that are valid JSON but not an object are refused after the signature check.
    let token = encode_jws(
        ring.active(SigningAlg::Es256).expect("es"),
        None,
        &json!([1]),
    )
    .expect("e");
    assert!(matches!(
        ring.verify(&token),
        Err(KeyError::MalformedToken { .. })
    ));
}

#[test]
fn malformed_token_errors_do_not_echo_the_token() {
    let ring = ring_all();
    let secretish = "c2VjcmV0LXBheWxvYWQtdGV4dA";
    let err = ring
        .verify(&format!("{secretish}.{secretish}"))
        .expect_err("two parts");
    assert!(!err.to_string().contains(secretish), "{err}");
    let err = ring
        .verify(&format!("{secretish}.{secretish}.{secretish}"))
        .expect_err("bad");
    assert!(!err.to_string().contains(secretish), "{err}");
}

// ---- KeyRing lifecycle ----
