//! When a notification is tried again. GoPay documents only that it repeats a notification
//! until the shop answers `200`, at most 20 times; the pacing here is the simulator's own: a
//! pause that doubles after every failed attempt, from the retry delay up to four hours, so
//! early retries follow quickly (a deploy, a handler that failed once) and late ones wait
//! hours, as a production gateway's do. The test clock moves the pauses like real time.

use std::time::Duration;

/// The longest pause between two attempts (unless the retry delay itself is longer).
pub(crate) const MAX_PAUSE: Duration = Duration::from_secs(4 * 3600);

/// The pause after the `made`-th attempt (counting from 1) failed: `retry_delay` ×
/// 2^(`made` − 1), at most [`MAX_PAUSE`] or `retry_delay`, whichever is longer.
pub(crate) fn pause(retry_delay: Duration, made: usize) -> Duration {
    let doublings = u32::try_from(made.saturating_sub(1))
        .unwrap_or(u32::MAX)
        .min(31);
    retry_delay
        .saturating_mul(1 << doublings)
        .min(MAX_PAUSE.max(retry_delay))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_four_hours() {
        let ms = Duration::from_millis;
        let pauses: Vec<Duration> = (1..crate::DEFAULT_NOTIFICATION_ATTEMPTS as usize)
            .map(|made| pause(ms(50), made))
            .collect();
        assert_eq!(&pauses[..4], [ms(50), ms(100), ms(200), ms(400)]);
        assert_eq!(pauses[18], ms(50 << 18), "3.6 h: the cap is not reached");
        // Twenty attempts of the default schedule span about seven hours.
        let total: Duration = pauses.iter().sum();
        assert_eq!(total, ms(50 * ((1 << 19) - 1)));

        let minute = Duration::from_secs(60);
        assert_eq!(pause(minute, 8), minute * 128);
        assert_eq!(pause(minute, 9), MAX_PAUSE, "256 min is capped");
        assert_eq!(pause(minute, 19), MAX_PAUSE);
        // A retry delay beyond the cap is kept as it is.
        let day = Duration::from_secs(86_400);
        assert_eq!(pause(day, 5), day);
        assert_eq!(pause(Duration::ZERO, 3), Duration::ZERO);
        assert_eq!(pause(Duration::MAX, 1), Duration::MAX);
        assert_eq!(pause(ms(1), usize::MAX), MAX_PAUSE);
    }
}
