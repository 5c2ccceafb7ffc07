//! Where the Docker daemon is and how to reach it.
//!
//! - [`endpoint`]: the inputs the docker CLI looks at (`--host`, `--context`, `DOCKER_HOST`,
//!   `DOCKER_CONTEXT`, `currentContext` in `config.json`, TLS variables) resolved by a pure
//!   function into one [`Endpoint`].
//! - [`context_store`]: reading the docker CLI's context store (`contexts/meta`, `contexts/tls`).
//! - [`connect`](mod@connect): building the bollard client for an endpoint, negotiating the API
//!   version and turning failures into one human line ([`ConnectError`]).
//! - [`tls`]: verified TLS like the docker CLI (CA only or mutual, a self-signed daemon
//!   certificate given as its own CA), the keep-alive HTTPS client handed to bollard;
//!   [`tls_words`] puts TLS failures in words (which certificate, which file, what is wrong);
//!   [`tls_validity`] reads a certificate's dates.
//! - [`port`]: the [`DockerApi`] trait (the operations seawall uses, in model types) and
//!   [`Connector`]; [`DockerError`] ([`error`]) is its one error.
//! - [`bollard_api`]: the adapter over bollard ([`BollardDocker`], [`BollardConnector`]);
//!   bollard is used only here, in `connect` and in `model::convert`.
//! - [`event_lines`]: `/events` over the local socket, line by line (a bad line is one
//!   item, not the end of the stream).
//! - [`unix_pool`]: the keep-alive pool of the local socket and of `ssh://` endpoints, handed
//!   to bollard as a custom transport, with the lean raw reads of list and inspect.
//! - [`ssh_command`]: the `ssh` argv of an `ssh://` endpoint (the docker CLI's `ssh ... --
//!   host docker system dial-stdio`) and the classification of failed sessions;
//!   [`ssh_connector`]: the bounded sessions themselves (children of the system `ssh`).
//! - [`fake`]: an in-memory daemon for tests without Docker.

pub mod bollard_api;
pub mod connect;
pub mod context_store;
pub mod endpoint;
pub mod error;
pub mod event_lines;
pub mod fake;
pub mod port;
pub mod ssh_command;
pub mod ssh_connector;
pub mod tls;
#[cfg(test)]
pub(crate) mod tls_test_certs;
pub mod tls_validity;
pub mod tls_words;
pub mod unix_pool;

pub use crate::model::ContainerSummary;
pub use bollard_api::{BollardConnector, BollardDocker};
pub use connect::{Cause, ConnectError, DEFAULT_REQUEST_TIMEOUT, connect, connect_with};
pub use context_store::{ContextInfo, ContextStoreError, list_contexts};
pub use endpoint::{
    Endpoint, EndpointError, EndpointInputs, EndpointSource, TlsFiles, Transport, resolve,
};
pub use error::DockerError;
pub use port::{Connector, DockerApi, EventHistory, EventStream, ListFilter, LogTail, Top};
