//! Stop a container gracefully: the daemon sends the stop signal, waits the grace period,
//! then kills. The outcome says which of the two ended it.

use super::ActionError;
use crate::docker::DockerApi;
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
    docker: &impl DockerApi,
    endpoint: &str,
    id: &str,
    grace: Duration,
) -> Result<String, ActionError> {
    let facts = super::inspect(docker, endpoint, id).await?;
    let name = facts.name.clone();
    // Running, paused or restarting: there are processes to stop.
    if !facts.state.is_live() {
        return Err(ActionError::Refused(format!(
            "{name} is not running ({}): there is nothing to stop",
            facts.state
        )));
    }
    let started = Instant::now();
    docker
        .stop(id, grace)
        .await
        .map_err(|e| super::failure(endpoint, "stop", &name, &e))?;
    let elapsed = started.elapsed();
    let after = super::inspect(docker, endpoint, id).await;
    let exit_code = after.ok().and_then(|f| f.exit_code);
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
