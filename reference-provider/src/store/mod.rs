//! Persistent storage for the provider: SQLite (file or `:memory:`), schema with migrations.

mod records;

pub use records::{
    ClientRecord, CodeRecord, InteractionRecord, KeyRecord, Redemption, RefreshRecord,
    SessionRecord, UserRecord,
};
