"""Airflow DAG: nightly metaspark meta-training that resumes from its checkpoints.

Retrying is safe: the same command continues the run from its newest valid checkpoint. metaspark's
exit codes decide whether a retry can help: 2 (bad config), 3 (bad or missing data) and 4 (diverged)
will not fix themselves, so the task fails at once; 5 (another job still holds the run's lock),
130/143 (interrupted) and other failures are retried.

The codes only reach this task when the driver runs in the submitting process: deploy/yarn/
submit-nightly.sh uses client deploy mode for that reason (in cluster mode spark-submit exits 0 or 1
whatever happened, and a bad config would be retried every night). Run the task on a host the YARN
executors can reach. When the task is stopped (timeout, a cleared task), Airflow sends SIGTERM:
metaspark checkpoints the iteration in flight and exits 143, and the next try resumes there.
"""
import subprocess
from datetime import datetime, timedelta

from airflow.decorators import dag, task
from airflow.exceptions import AirflowException, AirflowFailException

NO_RETRY = {2: "bad config", 3: "bad or missing data", 4: "training diverged"}


@dag(
    dag_id="metaspark_nightly",
    schedule="0 2 * * *",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=10)},
)
def metaspark_nightly():
    @task(execution_timeout=timedelta(hours=8))
    def meta_train():
        code = subprocess.call(
            ["deploy/yarn/submit-nightly.sh"],
            cwd="/opt/metaspark",
            env={"SPARK_HOME": "/opt/spark", "RUN_DIR": "hdfs:///user/airflow/metaspark/runs", "PATH": "/usr/bin:/bin"},
        )
        if code in NO_RETRY:
            raise AirflowFailException(f"metaspark exited {code}: {NO_RETRY[code]}")
        if code != 0:
            raise AirflowException(f"metaspark exited {code}; retrying resumes from the last checkpoint")

    meta_train()


metaspark_nightly()
