//! The HTTP side of `seawall serve`: `GET /metrics` (the Prometheus text exposition) and
//! `GET /healthz` (`ok`) over HTTP/1.1; anything else is 404 (405 for other methods). A
//! client that does not send its request headers within 10 s is dropped.

use super::metrics::Exposition;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// How long a client may take to send its request headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Serve one accepted connection until the client closes it (spawned per connection).
pub async fn serve_connection(stream: TcpStream, exposition: Arc<Exposition>) {
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let exposition = Arc::clone(&exposition);
        async move { Ok::<_, Infallible>(respond(req.method(), req.uri().path(), &exposition)) }
    });
    let served = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service)
        .await;
    if let Err(e) = served {
        log::debug!("metrics connection: {e}");
    }
}

/// The answer to one request.
pub fn respond(method: &Method, path: &str, exposition: &Exposition) -> Response<Full<Bytes>> {
    let (status, content_type, body) = match (path, method) {
        ("/metrics", &Method::GET | &Method::HEAD) => (
            StatusCode::OK,
            prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            exposition.encode(),
        ),
        ("/healthz", &Method::GET | &Method::HEAD) => {
            (StatusCode::OK, "text/plain; charset=utf-8", "ok\n".into())
        }
        ("/metrics" | "/healthz", _) => (
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain; charset=utf-8",
            "method not allowed\n".into(),
        ),
        _ => (
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            "not found: try /metrics or /healthz\n".into(),
        ),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    fn body(r: Response<Full<Bytes>>) -> String {
        let bytes = futures_util::FutureExt::now_or_never(r.into_body().collect())
            .expect("a full body is ready")
            .expect("infallible")
            .to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn routes_answer_as_a_scraper_and_a_prober_expect() {
        let (_m, e) = super::super::metrics::FleetMetrics::new(&["unix:///s".into()]);
        let r = respond(&Method::GET, "/metrics", &e);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()[header::CONTENT_TYPE],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        assert!(body(r).contains("seawall_daemon_up{host=\"unix:///s\"} 0"));
        let r = respond(&Method::GET, "/healthz", &e);
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(body(r), "ok\n");
        assert_eq!(
            respond(&Method::GET, "/", &e).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            respond(&Method::POST, "/metrics", &e).status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
    }
}
