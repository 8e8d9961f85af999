//! A small static file server (GET/HEAD only) for `dist/`, used by `serve` and by the e2e layer.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::util::Result;

pub fn bind(port: u16) -> Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))
}

/// Serves `dir` forever on the calling thread.
pub fn serve(listener: TcpListener, dir: PathBuf) -> Result<()> {
    let dir = Arc::new(dir);
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let dir = Arc::clone(&dir);
        std::thread::spawn(move || {
            // A client that goes away mid-answer is not the server's problem.
            let _ = handle(stream, &dir);
        });
    }
    Ok(())
}

/// Serves `dir` on a free port from a background thread; the server lives as long as the process.
pub fn serve_in_background(dir: PathBuf) -> Result<SocketAddr> {
    let listener = bind(0)?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    std::thread::spawn(move || serve(listener, dir));
    Ok(addr)
}

fn handle(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Reads the headers to their end so the client is not reset while still sending them.
    let mut accept_encoding = String::new();
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("accept-encoding") {
                accept_encoding = value.trim().to_string();
            }
        }
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut out = stream;
    let not_found =
        |out: &mut TcpStream| respond(out, "404 Not Found", &plain_text(), b"not found\n", true);
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut out,
            "405 Method Not Allowed",
            &plain_text(),
            b"GET or HEAD only\n",
            true,
        );
    }
    let Some(file) = resolve(dir, target) else {
        return not_found(&mut out);
    };
    let variant = compressed_variant(&file, &accept_encoding);
    let Ok(body) = std::fs::read(variant.as_ref().map_or(&file, |(path, _)| path)) else {
        return not_found(&mut out);
    };
    let mut headers = vec![("Content-Type", mime(&file).to_string())];
    if let Some((_, encoding)) = variant {
        headers.push(("Content-Encoding", encoding.to_string()));
    }
    if has_compressed_copy(&file) {
        // Caches must keep one answer per Accept-Encoding, compressed or not.
        headers.push(("Vary", "Accept-Encoding".to_string()));
    }
    respond(&mut out, "200 OK", &headers, &body, method == "GET")
}

fn plain_text() -> Vec<(&'static str, String)> {
    vec![("Content-Type", "text/plain; charset=utf-8".to_string())]
}

/// The precompressed copy of `file` (`.br`, else `.gz`, as `xtask/precompress.mjs` writes them)
/// that the client accepts, with its `Content-Encoding`.
fn compressed_variant(file: &Path, accept_encoding: &str) -> Option<(PathBuf, &'static str)> {
    [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(|(encoding, _)| accepts(accept_encoding, encoding))
        .map(|(encoding, suffix)| (with_suffix(file, suffix), encoding))
        .find(|(path, _)| path.is_file())
}

fn has_compressed_copy(file: &Path) -> bool {
    [".br", ".gz"]
        .iter()
        .any(|suffix| with_suffix(file, suffix).is_file())
}

fn with_suffix(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether an `Accept-Encoding` value allows `encoding`: listed (or `*`) without `q=0`.
fn accepts(accept_encoding: &str, encoding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let name = parts.next().unwrap_or("");
        let refused = parts.any(|param| {
            param
                .strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        (name.eq_ignore_ascii_case(encoding) || name == "*") && !refused
    })
}

fn respond(
    out: &mut TcpStream,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
    with_body: bool,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    out.write_all(head.as_bytes())?;
    if with_body {
        out.write_all(body)?;
    }
    out.flush()
}

/// The file a request target names under `dir`: the query and fragment dropped, `%XX` decoded, a
/// directory meaning its `index.html`; `None` for anything escaping `dir` or not a file.
pub fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let decoded = percent_decode(path)?;
    let mut file = dir.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => file.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn mime(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn mime_types_by_extension() {
        let cases = [
            ("a.wasm", "application/wasm"),
            ("index.html", "text/html; charset=utf-8"),
            ("pkg/stepwise_wasm.js", "text/javascript; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("examples/index.json", "application/json"),
            ("icons/run.svg", "image/svg+xml"),
            ("LICENSE", "application/octet-stream"),
        ];
        for (file, want) in cases {
            assert_eq!(mime(Path::new(file)), want, "{file}");
        }
    }

    fn site(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-serve-{name}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("index.html"), "<p>home</p>").unwrap();
        std::fs::write(dir.join("pkg/a b.wasm"), b"\0asm").unwrap();
        dir
    }

    #[test]
    fn resolves_targets_inside_the_directory_only() {
        let dir = site("resolve");
        let cases: [(&str, Option<&str>); 8] = [
            ("/", Some("index.html")),
            ("/index.html?x=1#top", Some("index.html")),
            ("/pkg/a%20b.wasm", Some("pkg/a b.wasm")),
            ("/pkg/", None),
            ("/../etc/passwd", None),
            ("/pkg/%2e%2e/%2e%2e/etc/passwd", None),
            ("/missing.js", None),
            ("/%zz", None),
        ];
        for (target, want) in cases {
            assert_eq!(resolve(&dir, target), want.map(|w| dir.join(w)), "{target}");
        }
    }

    #[test]
    fn reads_accept_encoding() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip, deflate, br, zstd", "gzip"));
        assert!(accepts("GZIP;q=0.5", "gzip"));
        assert!(!accepts("gzip;q=0, br", "gzip"));
        assert!(!accepts("identity", "br"));
        assert!(accepts("*", "br"));
        assert!(!accepts("", "gzip"));
    }

    #[test]
    fn sends_precompressed_copies_to_clients_that_accept_them() {
        let dir = site("compressed");
        std::fs::write(dir.join("app.js"), "plain").unwrap();
        std::fs::write(dir.join("app.js.gz"), "gzipped").unwrap();
        std::fs::write(dir.join("app.js.br"), "brotli").unwrap();
        let addr = serve_in_background(dir).unwrap();
        let get = |accept: &str| {
            let mut stream = TcpStream::connect(addr).unwrap();
            let request = format!("GET /app.js HTTP/1.1\r\nAccept-Encoding: {accept}\r\n\r\n");
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).unwrap();
            String::from_utf8_lossy(&answer).into_owned()
        };
        let br = get("gzip, deflate, br");
        assert!(
            br.contains("Content-Type: text/javascript; charset=utf-8\r\nContent-Encoding: br\r\nVary: Accept-Encoding\r\nContent-Length: 6\r\n")
                && br.ends_with("brotli"),
            "{br}"
        );
        let gzip = get("gzip");
        assert!(
            gzip.contains("Content-Encoding: gzip\r\n") && gzip.ends_with("gzipped"),
            "{gzip}"
        );
        let plain = get("identity");
        assert!(
            !plain.contains("Content-Encoding")
                && plain.contains("Vary: Accept-Encoding\r\n")
                && plain.ends_with("plain"),
            "{plain}"
        );
    }

    #[test]
    fn answers_over_http() {
        let addr = serve_in_background(site("http")).unwrap();
        let get = |request: &str| {
            let mut stream = TcpStream::connect(addr).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).unwrap();
            String::from_utf8_lossy(&answer).into_owned()
        };
        let home = get("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assert!(home.starts_with("HTTP/1.1 200 OK\r\n"), "{home}");
        assert!(
            home.contains("Content-Type: text/html; charset=utf-8\r\n")
                && home.ends_with("<p>home</p>"),
            "{home}"
        );
        let wasm = get("HEAD /pkg/a%20b.wasm HTTP/1.1\r\n\r\n");
        assert!(
            wasm.contains("Content-Type: application/wasm\r\nContent-Length: 4\r\n")
                && wasm.ends_with("\r\n\r\n"),
            "{wasm}"
        );
        assert!(get("GET /nope HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404 "));
        assert!(!home.contains("Vary") && !home.contains("Content-Encoding"));
        assert!(get("POST / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405 "));
    }
}
