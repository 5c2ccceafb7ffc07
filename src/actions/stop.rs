//! Stop a container gracefully: the daemon sends the stop signal, waits the grace period,
//! then kills. The outcome says which of the two ended it.

use super::Failure;
use bollard::Docker;
use bollard::query_parameters::StopContainerOptions;
use std::time::{Duration, Instant};

/// Exit code of a process killed by SIGKILL (128 + 9).
const KILLED_EXIT_CODE: i64 = 137;

/// How a stop ended (pure description from what was observed).
pub fn describe(name: &str, grace: Duration, elapsed: Duration, exit_code: Option<i64>) -> String {
    let secs = elapsed.as_secs_f64();
    let code = exit_code.map_or_else(|| "unknown".to_string(), |c| c.to_string());
    let killed =
        exit_code == Some(KILLED_EXIT_CODE) && elapsed + Duration::from_millis(200) >= grace;
    if killed {
        format!(
            "{name} did not exit within the {}s grace period: the daemon killed it \
             (exit code {code}, {secs:.1}s)",
            grace.as_secs()
        )
    } else {
        format!("stopped {name} within the grace period in {secs:.1}s (exit code {code})")
    }
}

/// Stop `id` with a grace period of `grace`.
pub async fn stop(
    docker: &Docker,
    endpoint: &str,
    id: &str,
    grace: Duration,
) -> Result<String, Failure> {
    let inspect = super::inspect(docker, endpoint, id).await?;
    let name = super::isolate::container_name(&inspect);
    let state = inspect.state.as_ref();
    let running = state.and_then(|s| s.running).unwrap_or(false);
    if !running {
        let status = state
            .and_then(|s| s.status)
            .map_or_else(|| "not running".to_string(), |s| s.to_string());
        return Err(Failure::Refused(format!(
            "{name} is not running ({status}): there is nothing to stop"
        )));
    }
    let started = Instant::now();
    let t = i32::try_from(grace.as_secs()).unwrap_or(i32::MAX);
    docker
        .stop_container(
            id,
            Some(StopContainerOptions {
                t: Some(t),
                signal: None,
            }),
        )
        .await
        .map_err(|e| super::failure(endpoint, "stop", &name, &e))?;
    let elapsed = started.elapsed();
    let after = super::inspect(docker, endpoint, id).await;
    let exit_code = after.ok().and_then(|i| i.state).and_then(|s| s.exit_code);
    Ok(describe(&name, grace, elapsed, exit_code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kill_after_the_grace_period_is_said_plainly() {
        let m = describe(
            "web",
            Duration::from_secs(2),
            Duration::from_millis(2100),
            Some(137),
        );
        assert!(
            m.contains("did not exit within the 2s grace period") && m.contains("killed"),
            "{m}"
        );
        let m = describe(
            "web",
            Duration::from_secs(10),
            Duration::from_millis(300),
            Some(143),
        );
        assert!(m.starts_with("stopped web within the grace period"), "{m}");
        assert!(m.contains("exit code 143"), "{m}");
        let m = describe(
            "web",
            Duration::from_secs(10),
            Duration::from_millis(300),
            Some(137),
        );
        assert!(
            m.starts_with("stopped web"),
            "an early 137 is the program's own: {m}"
        );
    }
}
