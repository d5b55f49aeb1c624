//! `emulator` command line: parse options, refuse non-loopback binds, start serving and
//! announce the URL on stdout (tests wait for that line).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

const USAGE: &str = "usage: emulator [--bind 127.0.0.1] [--port 8787] --client-id ID \
                     --redirect-uri URI [--redirect-uri URI ...]";

#[derive(Debug, PartialEq, Eq)]
struct Options {
    addr: SocketAddr,
    client_id: String,
    redirect_uris: Vec<String>,
}

fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut bind = "127.0.0.1".to_string();
    let mut port = "8787".to_string();
    let mut client_id = None;
    let mut redirect_uris = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        // Accept both `--name value` and `--name=value`.
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match name {
            "--bind" => bind = value()?,
            "--port" => port = value()?,
            "--client-id" => client_id = Some(value()?),
            "--redirect-uri" => redirect_uris.push(value()?),
            other => return Err(format!("unknown argument: {other}")),
        }
    }

    // Loopback only: the emulator hands out tokens to anyone who asks.
    let ip: IpAddr = if bind == "localhost" {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        bind.parse()
            .map_err(|_| format!("--bind {bind}: not an IP address"))?
    };
    if !ip.is_loopback() {
        return Err(format!(
            "--bind {bind}: refusing to listen on a non-loopback address"
        ));
    }
    let port: u16 = port
        .parse()
        .map_err(|_| format!("--port {port}: not a port number"))?;
    let client_id = client_id
        .filter(|c| !c.is_empty())
        .ok_or("--client-id is required")?;
    if redirect_uris.is_empty() {
        return Err("at least one --redirect-uri is required".into());
    }
    for uri in &redirect_uris {
        // RFC 6749 §3.1.2: absolute URI without a fragment. Printable ASCII keeps it a
        // valid Location header.
        let ok = (uri.starts_with("http://") || uri.starts_with("https://"))
            && !uri.contains('#')
            && uri.bytes().all(|b| b.is_ascii_graphic());
        if !ok {
            return Err(format!(
                "--redirect-uri {uri}: must be an absolute http(s) URI without fragment or spaces"
            ));
        }
    }
    Ok(Options {
        addr: SocketAddr::new(ip, port),
        client_id,
        redirect_uris,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let opts = match parse_args(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("emulator: error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let running = match emulator::server::start(opts.addr, opts.client_id, opts.redirect_uris) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("emulator: error: cannot listen on {}: {e}", opts.addr);
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "emulator listening on {}", running.base_url);
    let _ = out.flush();
    drop(out);
    let _ = running.thread.join();
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_defaults_and_repeats() {
        let o = parse_args(&args(
            "--client-id c --redirect-uri http://127.0.0.1:1/a --redirect-uri=http://localhost:1/",
        ))
        .unwrap();
        assert_eq!(o.addr, "127.0.0.1:8787".parse().unwrap());
        assert_eq!(o.client_id, "c");
        assert_eq!(
            o.redirect_uris,
            ["http://127.0.0.1:1/a", "http://localhost:1/"]
        );
        let o = parse_args(&args(
            "--bind ::1 --port 0 --client-id c --redirect-uri http://x/",
        ))
        .unwrap();
        assert_eq!(o.addr, "[::1]:0".parse().unwrap());
        let o = parse_args(&args(
            "--bind 127.0.0.2 --client-id c --redirect-uri http://x/",
        ))
        .unwrap();
        assert_eq!(o.addr.ip().to_string(), "127.0.0.2");
    }

    #[test]
    fn refuses_bad_input() {
        for bad in [
            "--bind 0.0.0.0 --client-id c --redirect-uri http://x/",
            "--bind 192.168.1.2 --client-id c --redirect-uri http://x/",
            "--bind :: --client-id c --redirect-uri http://x/",
            "--bind example.test --client-id c --redirect-uri http://x/",
            "--port 70000 --client-id c --redirect-uri http://x/",
            "--redirect-uri http://x/",
            "--client-id c",
            "--client-id c --redirect-uri http://x/#frag",
            "--client-id c --redirect-uri /relative",
            "--client-id c --redirect-uri http://x/ --verbose",
            "--client-id",
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad}");
        }
    }
}
