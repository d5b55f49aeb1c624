//! The emulator's HTTP/1.1 on loopback: one thread per connection, for as long as the browser
//! keeps it alive, so that a connection never waits for another to close.
//!
//! Why not tiny_http (used until 2026-12): its worker pool hands a new connection to a thread
//! that is waiting, but two connections arriving together with one thread waiting can both be
//! counted for it (`TaskPool::spawn` reads `waiting_tasks` before the woken thread takes its
//! task); the second then waits in the queue until some keep-alive connection closes. A fresh
//! browser context opening two connections at once (token info, and user info's CORS
//! preflight) saw a request never answered, and a sign-in hang for the rest of the test.
//!
//! What a browser, fetch and curl send is enough here: a request line, headers, a body of
//! `Content-Length` bytes or chunked, `Expect: 100-continue`, keep-alive unless `Connection:
//! close` or HTTP/1.0.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;

/// One request as it arrived.
pub struct Incoming {
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What goes back.
pub struct Outgoing {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A line or a header longer than this ends the connection (nothing legitimate here comes close).
const MAX_LINE: usize = 64 * 1024;
const MAX_HEADERS: usize = 200;

/// Serves every connection `listener` accepts on its own thread with `handle`.
pub fn serve(
    listener: TcpListener,
    max_body: u64,
    handle: Arc<dyn Fn(Incoming) -> Outgoing + Send + Sync>,
) -> io::Result<(SocketAddr, thread::JoinHandle<()>)> {
    let local = listener.local_addr()?;
    let thread = thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handle = Arc::clone(&handle);
            thread::spawn(move || {
                let _ = connection(stream, max_body, &*handle);
            });
        }
    });
    Ok((local, thread))
}

fn connection(
    stream: TcpStream,
    max_body: u64,
    handle: &(dyn Fn(Incoming) -> Outgoing + Send + Sync),
) -> io::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let Some((request, keep_alive)) = read_request(&mut reader, &mut writer, max_body)? else {
            return Ok(());
        };
        let head_only = request.method.eq_ignore_ascii_case("HEAD");
        let response = handle(request);
        write_response(&mut writer, &response, head_only, keep_alive)?;
        if !keep_alive {
            return Ok(());
        }
    }
}

/// The next request, and whether the connection stays open after it; `None` when the client
/// closed it (or sent something this server cannot frame, answered with a 400 first).
fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
    max_body: u64,
) -> io::Result<Option<(Incoming, bool)>> {
    let mut line = String::new();
    // Blank lines before a request line are allowed (RFC 9112 §2.2).
    loop {
        line.clear();
        if read_line(reader, &mut line)? == 0 {
            return Ok(None);
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        bad_request(writer)?;
        return Ok(None);
    };
    let (method, target, version) = (method.to_owned(), target.to_owned(), version.to_owned());
    let mut headers = Vec::new();
    loop {
        line.clear();
        if read_line(reader, &mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            bad_request(writer)?;
            return Ok(None);
        };
        if headers.len() == MAX_HEADERS {
            bad_request(writer)?;
            return Ok(None);
        }
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_ascii_lowercase())
    };
    let connection = header("connection").unwrap_or_default();
    let keep_alive = match version.as_str() {
        "HTTP/1.0" => connection.contains("keep-alive"),
        _ => !connection.contains("close"),
    };
    if header("expect").is_some_and(|e| e == "100-continue") {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = if header("transfer-encoding").is_some_and(|t| t.contains("chunked")) {
        match read_chunked(reader, max_body)? {
            Some(body) => body,
            None => {
                bad_request(writer)?;
                return Ok(None);
            }
        }
    } else {
        let length = match header("content-length").map(|l| l.parse::<u64>()) {
            None => 0,
            Some(Ok(length)) if length <= max_body => length,
            Some(_) => {
                bad_request(writer)?;
                return Ok(None);
            }
        };
        let mut body = Vec::new();
        reader.take(length).read_to_end(&mut body)?;
        if (body.len() as u64) < length {
            return Ok(None);
        }
        body
    };
    Ok(Some((
        Incoming {
            method,
            target,
            headers,
            body,
        },
        keep_alive,
    )))
}

/// One line, at most [`MAX_LINE`] bytes (a longer one reads as the end of the connection).
fn read_line(reader: &mut BufReader<TcpStream>, line: &mut String) -> io::Result<usize> {
    let read = reader.take(MAX_LINE as u64).read_line(line)?;
    if read == MAX_LINE && !line.ends_with('\n') {
        return Ok(0);
    }
    Ok(read)
}

/// A chunked body (RFC 9112 §7.1), trailers skipped; `None` if it is not one or too long.
fn read_chunked(reader: &mut BufReader<TcpStream>, max_body: u64) -> io::Result<Option<Vec<u8>>> {
    let mut body = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if read_line(reader, &mut line)? == 0 {
            return Ok(None);
        }
        let size = line.trim().split(';').next().unwrap_or("");
        let Ok(size) = u64::from_str_radix(size.trim(), 16) else {
            return Ok(None);
        };
        if size == 0 {
            // Trailers up to the blank line.
            loop {
                line.clear();
                if read_line(reader, &mut line)? == 0 || line.trim().is_empty() {
                    return Ok(Some(body));
                }
            }
        }
        if body.len() as u64 + size > max_body {
            return Ok(None);
        }
        let before = body.len();
        reader.take(size).read_to_end(&mut body)?;
        if ((body.len() - before) as u64) < size {
            return Ok(None);
        }
        line.clear();
        read_line(reader, &mut line)?; // the CRLF after the chunk
    }
}

fn bad_request(writer: &mut TcpStream) -> io::Result<()> {
    writer.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}

fn write_response(
    writer: &mut TcpStream,
    response: &Outgoing,
    head_only: bool,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        // Framing is this module's: a handler's own would contradict it.
        if ["content-length", "transfer-encoding", "connection"]
            .iter()
            .any(|framing| name.eq_ignore_ascii_case(framing))
        {
            continue;
        }
        // A value with a line break would end the head early (no handler writes one).
        if name.contains(['\r', '\n']) || value.contains(['\r', '\n']) {
            continue;
        }
        head.push_str(name);
        head.push_str(": ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    if !keep_alive {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    // 1xx, 204 and 304 have no body (RFC 9110 §6.4.1); HEAD gets the length without it.
    if !head_only && !matches!(response.status, 100..=199 | 204 | 304) {
        out.extend_from_slice(&response.body);
    }
    writer.write_all(&out)?;
    writer.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        412 => "Precondition Failed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::time::Duration;

    fn echo() -> SocketAddr {
        let handle: Arc<dyn Fn(Incoming) -> Outgoing + Send + Sync> = Arc::new(|rq: Incoming| {
            let mut body = format!("{} {} ", rq.method, rq.target).into_bytes();
            body.extend_from_slice(&rq.body);
            Outgoing {
                status: 200,
                headers: vec![("X-Seen".into(), rq.headers.len().to_string())],
                body,
            }
        });
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        serve(listener, 1024, handle).unwrap().0
    }

    fn exchange(stream: &mut TcpStream, request: &str) -> String {
        stream.write_all(request.as_bytes()).unwrap();
        let mut buf = [0u8; 4096];
        let n = stream.read(&mut buf).unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }

    fn connect(addr: SocketAddr) -> TcpStream {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream
    }

    #[test]
    fn keep_alive_serves_several_requests_on_one_connection_with_their_bodies() {
        let addr = echo();
        let mut stream = connect(addr);
        let first = exchange(&mut stream, "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        assert!(first.starts_with("HTTP/1.1 200 OK\r\n"), "{first}");
        assert!(first.ends_with("\r\n\r\nGET /a?x=1 "), "{first}");
        let second = exchange(
            &mut stream,
            "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
        );
        assert!(second.contains("Content-Length: 13\r\n"), "{second}");
        assert!(second.ends_with("POST /b hello"), "{second}");
    }

    #[test]
    fn a_new_connection_is_served_while_others_stay_open_and_idle() {
        let addr = echo();
        // Idle keep-alive connections, as a browser leaves them.
        let idle: Vec<TcpStream> = (0..16).map(|_| connect(addr)).collect();
        let mut fresh = connect(addr);
        let answer = exchange(&mut fresh, "GET /now HTTP/1.1\r\nHost: h\r\n\r\n");
        assert!(answer.ends_with("GET /now "), "{answer}");
        drop(idle);
    }

    #[test]
    fn chunked_bodies_expect_continue_and_close_are_honoured() {
        let addr = echo();
        let mut stream = connect(addr);
        let answer = exchange(
            &mut stream,
            "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        );
        assert!(answer.ends_with("POST /c abcde"), "{answer}");
        let mut stream = connect(addr);
        stream
            .write_all(b"POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut continued = [0u8; 25];
        stream.read_exact(&mut continued).unwrap();
        assert_eq!(&continued, b"HTTP/1.1 100 Continue\r\n\r\n");
        stream.write_all(b"ok").unwrap();
        let mut rest = String::new();
        stream.read_to_string(&mut rest).unwrap();
        assert!(rest.contains("Connection: close\r\n"), "{rest}");
        assert!(rest.ends_with("POST /e ok"), "{rest}");
    }

    #[test]
    fn a_body_longer_than_allowed_or_a_broken_request_line_gets_400_and_the_connection_ends() {
        let addr = echo();
        let mut stream = connect(addr);
        let answer = exchange(
            &mut stream,
            "POST /big HTTP/1.1\r\nContent-Length: 4096\r\n\r\n",
        );
        assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
        let mut stream = connect(addr);
        let answer = exchange(&mut stream, "NONSENSE\r\n\r\n");
        assert!(answer.starts_with("HTTP/1.1 400 "), "{answer}");
    }
}
