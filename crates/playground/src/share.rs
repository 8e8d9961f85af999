//! Share links: the workspace document deflated and base64url-encoded into the URL fragment
//! (`#w=...`), so a link carries the machines and input without any server. The fragment is
//! only ever parsed as workspace data.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

pub const FRAGMENT_KEY: &str = "w=";

/// Links over this many characters are refused by some chat tools and browsers; we still
/// produce them but the UI warns.
pub const LONG_LINK: usize = 8000;

/// The most a link may inflate to.
pub const MAX_INFLATED: usize = 16 * 1024 * 1024;

/// Encodes workspace JSON text as a URL fragment body (without the `#`).
pub fn encode_fragment(workspace_json: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(workspace_json.as_bytes(), 9);
    format!("{FRAGMENT_KEY}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes a fragment (with or without the leading `#`) back to workspace JSON text.
/// `Ok(None)` when the fragment holds no workspace at all.
pub fn decode_fragment(fragment: &str) -> Result<Option<String>, String> {
    let body = fragment.trim_start_matches('#');
    let Some(data) = body
        .split('&')
        .find_map(|part| part.strip_prefix(FRAGMENT_KEY))
    else {
        return Ok(None);
    };
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| format!("the link's workspace is not valid base64url: {e}"))?;
    // A hostile link could be a deflate bomb: cap what we inflate.
    // The error carries what was inflated so far (up to the limit): report only its status.
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED).map_err(|e| match e.status {
        miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
            format!("the link's workspace is larger than {} MB once decompressed", MAX_INFLATED >> 20)
        }
        _ => "the link's workspace is not compressed data this playground wrote (it may be cut short)".to_string(),
    })?;
    String::from_utf8(raw)
        .map(Some)
        .map_err(|_| "the link's workspace is not UTF-8 text".to_string())
}

#[cfg(test)]
mod tests {
    // In the wasm test run these run in the browser with the rest of the suite.
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn round_trip() {
        let text = r#"{"version":1,"machines":[{"name":"A","definition":"{\"StartAt\":\"X\"}"}],"input":"é😀"}"#;
        let frag = encode_fragment(text);
        assert!(frag.starts_with("w=") && !frag.contains('+') && !frag.contains('/'));
        assert_eq!(
            decode_fragment(&format!("#{frag}")).unwrap().as_deref(),
            Some(text)
        );
    }

    #[test]
    fn other_fragments_and_garbage() {
        assert_eq!(decode_fragment("").unwrap(), None);
        assert_eq!(decode_fragment("#section-2").unwrap(), None);
        assert!(decode_fragment("#w=%%%").is_err());
        assert!(decode_fragment("#w=AAAA").is_err());
    }

    #[test]
    fn a_deflate_bomb_is_refused_with_a_short_message() {
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; MAX_INFLATED + 1], 9);
        let err = decode_fragment(&format!("#w={}", URL_SAFE_NO_PAD.encode(bomb))).unwrap_err();
        assert!(
            err.contains("larger than 16 MB") && err.len() < 200,
            "{err}"
        );
    }
}
