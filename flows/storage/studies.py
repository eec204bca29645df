"""Store studies (comparisons and sweeps) and read them back.

A study's replications are shared with every run of the same scenario, root seed and code
version: they are stored once, keyed as in ``replication_result``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from clearsim.flows.execution.study_design import StudyPlan
from clearsim.flows.storage.persistence import DatabaseError, load_replications, stored_replications
from clearsim.flows.storage.provenance import code_version, library_versions_json
from clearsim.models.records import RunSummary
from clearsim.models.tables import ReplicationRow, StudyRow, StudyScenarioRow

RUNNING = "running"
COMPLETE = "complete"


@dataclass(frozen=True)
class OpenedStudy:
    """A study row found or created for a plan, with the replications already stored."""

    study_id: int
    replications: int
    resumed: bool
    stored: tuple[frozenset[int], ...]
    """Per scenario (in the plan's order), the replication numbers already in the database."""


def open_study(engine: Engine, plan: StudyPlan) -> OpenedStudy:
    """The study of ``plan``: found by its key (a resumed study) or created."""
    version = code_version()
    key = plan.key(version)
    now = datetime.now(UTC)
    with Session(engine) as session:
        study = session.exec(select(StudyRow).where(StudyRow.study_key == key)).first()
        resumed = study is not None
        if study is None:
            study = StudyRow(
                study_key=key,
                kind=plan.kind,
                created_at=now,
                updated_at=now,
                status=RUNNING,
                root_seed=plan.root_seed,
                replications=plan.replications,
                target_halfwidth=plan.target_halfwidth,
                max_replications=plan.max_replications,
                confidence=plan.confidence,
                design_json=json.dumps(plan.design, sort_keys=True),
                code_version=version,
                library_versions=library_versions_json(),
            )
            session.add(study)
            try:
                session.flush()
                assert study.id is not None
                for position, (spec, parameters) in enumerate(
                    zip(plan.scenarios, plan.parameters, strict=True)
                ):
                    session.add(
                        StudyScenarioRow(
                            study_id=study.id,
                            position=position,
                            scenario_name=spec.name,
                            scenario_hash=spec.scenario_hash,
                            scenario_json=spec.resolved_json(),
                            parameters_json=json.dumps(parameters, sort_keys=True),
                        )
                    )
                session.commit()
            except IntegrityError:  # another process created it meanwhile: use theirs
                session.rollback()
                return open_study(engine, plan)
        else:
            study.status = RUNNING
            study.updated_at = now
            session.add(study)
            session.commit()
        assert study.id is not None
        study_id, replications = study.id, study.replications
    stored = tuple(
        frozenset(stored_replications(engine, spec.scenario_hash, plan.root_seed))
        for spec in plan.scenarios
    )
    return OpenedStudy(study_id, replications, resumed, stored)


def set_study_replications(engine: Engine, study_id: int, replications: int) -> None:
    """Record that every scenario of the study now runs ``replications`` replications."""
    with Session(engine) as session:
        study = _get(session, study_id)
        study.replications = replications
        study.updated_at = datetime.now(UTC)
        session.add(study)
        session.commit()


def finish_study(engine: Engine, study_id: int) -> None:
    """Mark the study complete (every replication it asks for is stored)."""
    with Session(engine) as session:
        study = _get(session, study_id)
        study.status = COMPLETE
        study.updated_at = datetime.now(UTC)
        session.add(study)
        session.commit()


def _get(session: Session, study_id: int) -> StudyRow:
    study = session.get(StudyRow, study_id)
    if study is None:
        raise DatabaseError(f"no study with id {study_id}")
    return study


@dataclass(frozen=True)
class StoredStudy:
    """A study read back: its row, its scenarios in order and each one's stored summaries."""

    study: StudyRow
    scenarios: tuple[StudyScenarioRow, ...]
    summaries: tuple[list[RunSummary], ...]

    @property
    def stored(self) -> int:
        """Replications stored over all the study's scenarios."""
        return sum(len(s) for s in self.summaries)

    @property
    def planned(self) -> int:
        """Replications the study asks for over all its scenarios."""
        return self.study.replications * len(self.scenarios)


def load_study(engine: Engine, study_id: int) -> StoredStudy:
    """Study ``study_id`` with the summaries of its scenarios' stored replications."""
    with Session(engine) as session:
        study = _get(session, study_id)
        scenarios = session.exec(
            select(StudyScenarioRow)
            .where(StudyScenarioRow.study_id == study_id)
            .order_by(col(StudyScenarioRow.position))
        ).all()
        session.expunge_all()
    summaries = tuple(
        load_replications(
            engine, s.scenario_hash, study.root_seed, study.replications, study.code_version
        )
        for s in scenarios
    )
    return StoredStudy(study=study, scenarios=tuple(scenarios), summaries=summaries)


@dataclass(frozen=True)
class StudyListing:
    """One line of ``clearsim results``: a study and how many of its replications are stored."""

    study: StudyRow
    scenario_names: tuple[str, ...]
    stored: int
    planned: int


def list_studies(engine: Engine) -> list[StudyListing]:
    """Every stored study, newest first, with its stored and planned replication counts."""
    replication = ReplicationRow.c
    with Session(engine) as session:
        studies = session.exec(select(StudyRow).order_by(col(StudyRow.id).desc())).all()
        scenarios = session.exec(
            select(StudyScenarioRow).order_by(
                col(StudyScenarioRow.study_id), col(StudyScenarioRow.position)
            )
        ).all()
        counts = dict(
            session.exec(
                select(StudyScenarioRow.id, func.count(replication.id))
                .join(StudyRow, col(StudyRow.id) == col(StudyScenarioRow.study_id))
                .join(
                    ReplicationRow,
                    (replication.scenario_hash == col(StudyScenarioRow.scenario_hash))
                    & (replication.root_seed == col(StudyRow.root_seed))
                    & (replication.code_version == col(StudyRow.code_version))
                    & (replication.replication < col(StudyRow.replications)),
                )
                .group_by(col(StudyScenarioRow.id))
            ).all()
        )
        session.expunge_all()
    listings = []
    for study in studies:
        mine = [s for s in scenarios if s.study_id == study.id]
        listings.append(
            StudyListing(
                study=study,
                scenario_names=tuple(s.scenario_name for s in mine),
                stored=sum(counts.get(s.id, 0) for s in mine),
                planned=study.replications * len(mine),
            )
        )
    return listings
