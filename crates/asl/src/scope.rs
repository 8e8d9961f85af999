//! What an expression can see while it is evaluated.

use stepwise_json::{Map, Value};

/// The values an expression of a state may read: the state's (effective) input, the context
/// object (`$$`) and the variables in scope (`$name`).
#[derive(Clone, Copy)]
pub struct Scope<'a> {
    pub input: &'a Value,
    pub context: &'a Value,
    pub vars: &'a Map,
}

/// A source of randomness owned by the engine (seeded, so runs are reproducible).
pub trait Random {
    fn next_u64(&mut self) -> u64;

    /// A float uniformly drawn from `[0, 1)`.
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// SplitMix64: small, fast, good enough for simulation and reproducible everywhere.
#[derive(Clone, Debug)]
pub struct SplitMix64(pub u64);

impl Random for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Formats 16 random bytes as a version-4 UUID string.
pub fn uuid_v4(rng: &mut dyn Random) -> String {
    let a = rng.next_u64().to_be_bytes();
    let b = rng.next_u64().to_be_bytes();
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a);
    bytes[8..].copy_from_slice(&b);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, group) in [
        &bytes[0..4],
        &bytes[4..6],
        &bytes[6..8],
        &bytes[8..10],
        &bytes[10..16],
    ]
    .into_iter()
    .enumerate()
    {
        if i > 0 {
            out.push('-');
        }
        push_hex(&mut out, group);
    }
    out
}

/// Appends `bytes` as lowercase hex digits. UUIDs and task tokens are made on every task and
/// child execution: digit by digit, without the formatting machinery.
pub fn push_hex(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 0x0f) as usize] as char);
    }
}
