//! Share links: the workspace document deflated and base64url-encoded into the URL fragment
//! (`#w=...`), so a link carries the machines and input without any server. The fragment is
//! only ever parsed as workspace data.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

pub const FRAGMENT_KEY: &str = "w=";

/// Links over this many characters are refused by some chat tools and browsers; we still
/// produce them but the UI warns.
pub const LONG_LINK: usize = 8000;

/// Encodes workspace JSON text as a URL fragment body (without the `#`).
pub fn encode_fragment(workspace_json: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(workspace_json.as_bytes(), 9);
    format!("{FRAGMENT_KEY}{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Decodes a fragment (with or without the leading `#`) back to workspace JSON text.
/// `Ok(None)` when the fragment holds no workspace at all.
pub fn decode_fragment(fragment: &str) -> Result<Option<String>, String> {
    let body = fragment.trim_start_matches('#');
    let Some(data) = body.split('&').find_map(|part| part.strip_prefix(FRAGMENT_KEY)) else {
        return Ok(None);
    };
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|e| format!("the link's workspace is not valid base64url: {e}"))?;
    // A hostile link could be a deflate bomb: cap what we inflate.
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, 16 * 1024 * 1024)
        .map_err(|e| format!("the link's workspace does not decompress: {e:?}"))?;
    String::from_utf8(raw).map(Some).map_err(|_| "the link's workspace is not UTF-8 text".to_string())
}

#[cfg(test)]
mod tests {
    // In the wasm test run these run in the browser with the rest of the suite.
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;
    use super::*;

    #[test]
    fn round_trip() {
        let text = r#"{"version":1,"machines":[{"name":"A","definition":"{\"StartAt\":\"X\"}"}],"input":"é😀"}"#;
        let frag = encode_fragment(text);
        assert!(frag.starts_with("w=") && !frag.contains('+') && !frag.contains('/'));
        assert_eq!(decode_fragment(&format!("#{frag}")).unwrap().as_deref(), Some(text));
    }

    #[test]
    fn other_fragments_and_garbage() {
        assert_eq!(decode_fragment("").unwrap(), None);
        assert_eq!(decode_fragment("#section-2").unwrap(), None);
        assert!(decode_fragment("#w=%%%").is_err());
        assert!(decode_fragment("#w=AAAA").is_err());
    }
}
