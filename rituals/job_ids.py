"""Where the scheduler keeps its jobs, and the explicit id of each ritual's job."""

JOBS_TABLE = "apscheduler_jobs"  # left out of Alembic's comparisons in storage/migrations/env.py
RITUAL_JOB_PREFIX = "ritual:"
RITUAL_JOB_SUFFIX = ":open"


def ritual_job_id(ritual_id: int) -> str:
    """Return the explicit job id of a ritual's opening job."""
    return f"{RITUAL_JOB_PREFIX}{ritual_id}{RITUAL_JOB_SUFFIX}"
