//! CPU-heavy steps (reading an uploaded PDF, rendering one, zipping, parsing a CSV import) run
//! here: off the async workers, at most one per core at a time, each within a time budget. A
//! step that outlives its budget is answered at once; its thread finishes in the background
//! but keeps its slot until then, so hostile input can never occupy more than the cores.

use crate::http::error::{ApiError, ApiResult};
use actix_web::http::StatusCode;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// How long one step may take, waiting for a free core included.
pub const BUDGET: Duration = Duration::from_secs(20);

fn slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Semaphore::new(cores)
    })
}

/// What went wrong with a step, for the caller to word.
#[derive(Debug)]
pub enum Refused {
    /// No core became free within the budget: the service is busy.
    Busy,
    /// The step ran past its budget.
    TooLong,
}

impl Refused {
    /// The usual wording: 503 when busy, 422 `code` when the input needs too much work.
    pub fn into_error(self, code: &'static str, what: &str) -> ApiError {
        match self {
            Refused::Busy => busy(),
            Refused::TooLong => ApiError::unprocessable(
                code,
                format!(
                    "{what} needs more work to process than the service allows for one request."
                ),
            ),
        }
    }
}

/// 503 `service.busy` with `Retry-After`.
pub fn busy() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "service.busy",
        "The service is busy with other heavy requests; try again shortly.",
    )
    .retry_after(5)
}

/// Run `work` on a blocking thread when a core is free, within [`BUDGET`].
pub async fn run<T, F>(work: F) -> Result<T, Refused>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    run_within(BUDGET, work).await
}

pub async fn run_within<T, F>(budget: Duration, work: F) -> Result<T, Refused>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    run_on(slots(), budget, work).await
}

async fn run_on<T, F>(slots: &'static Semaphore, budget: Duration, work: F) -> Result<T, Refused>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let deadline = tokio::time::Instant::now() + budget;
    let permit = tokio::time::timeout_at(deadline, slots.acquire())
        .await
        .map_err(|_| Refused::Busy)?
        .map_err(|_| Refused::Busy)?;
    let task = tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    });
    match tokio::time::timeout_at(deadline, task).await {
        Ok(Ok(out)) => Ok(out),
        // A panic in the step: resumed here so that it is reported as any other.
        Ok(Err(join)) => std::panic::resume_unwind(join.into_panic()),
        Err(_) => Err(Refused::TooLong),
    }
}

/// [`run`] for steps whose own failure is the service's (rendering, zipping): an overrun is a
/// 503 rather than the caller's fault.
pub async fn run_internal<T, F>(work: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    run(work).await.map_err(|_| busy())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_overrun_is_answered_at_its_budget() {
        let r = run_within(Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_millis(400));
        })
        .await;
        assert!(matches!(r, Err(Refused::TooLong)));
        assert_eq!(run(|| 2 + 2).await.unwrap(), 4);
    }

    /// When every core is taken for longer than the budget, the answer is 503 with
    /// `Retry-After`, not a wait without end; a step past its budget is the caller's 422.
    #[tokio::test]
    async fn a_full_house_is_busy_and_each_refusal_has_its_answer() {
        static TWO: Semaphore = Semaphore::const_new(2);
        let held = TWO.acquire_many(2).await.unwrap();
        let r = run_on(&TWO, Duration::from_millis(50), || 1).await;
        assert!(matches!(r, Err(Refused::Busy)));
        drop(held);
        assert_eq!(
            run_on(&TWO, Duration::from_millis(500), || 1)
                .await
                .unwrap(),
            1
        );
        let busy = Refused::Busy.into_error("import.too_large", "The file");
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.code, "service.busy");
        assert_eq!(busy.retry_after, Some(5));
        let long = Refused::TooLong.into_error("import.too_large", "The file");
        assert_eq!(long.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(long.code, "import.too_large");
        assert!(long.detail.starts_with("The file needs more work"));
    }
}
