"""Mid- and end-of-program surveys: self-rated confidence (1–5) in each topic the person picked at sign-up (the
sign-up form's answer is the "before" baseline), would they recommend the program (0–10), what to change. Sent by
DM at the pair's half-way and last-day instants (:func:`bot.checkins.milestones`), once per person and stage
through the outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.outbox.batch import Batch
from bot.outbox.kinds import Kind, SurveyPayload
from bot.outbox.outcomes import Outcome, Skip, answerable
from bot.runtime.context import Deps
from bot.runtime.errors import describe
from bot.slack.client import try_call
from bot.topics import topic_label
from prompts import surveys as prompts
from storage import outbox
from storage import participants as participants_repo
from storage import programs as programs_repo
from storage import surveys as surveys_repo
from storage.db import DatabaseError
from storage.models import Outbox, Participant, ParticipantState, Program, ProgramState

logger = logging.getLogger(__name__)


def survey_key(program_id: int | None, stage: str, user_id: str) -> str:
    """The outbox key of a person's survey (see ``bot.checkins.milestones``)."""
    return f"{Kind.SURVEY}:{program_id}:{stage}:{user_id}"


def skills_of(person: Participant) -> list[str]:
    """The topics whose confidence is asked: what they want to learn, or (a reverse mentor with none) what they
    share."""
    return list(person.learns or person.shares or [])


def baseline_level(values: dict[str, Any]) -> int | None:
    """The sign-up form's optional confidence answer (1–5), if given."""
    chosen = ((values.get(prompts.CONFIDENCE) or {}).get(prompts.CONFIDENCE) or {}).get("selected_option") or {}
    level = str(chosen.get("value") or "")
    return int(level) if level in prompts.LEVELS else None


async def record_baseline(deps: Deps, *, person: Participant, level: int) -> None:
    """The "before" ratings: the same level for each topic picked (kept as first given; none once the person has
    answered a survey, so a baseline is never recorded after the fact)."""
    async with deps.db.session() as session:
        for stage in (surveys_repo.MID, surveys_repo.END):
            if await surveys_repo.get_survey(
                session, team_id=person.team_id, program_id=person.program_id, user_id=person.user_id, stage=stage
            ):
                return
        await surveys_repo.rate_skills(
            session,
            team_id=person.team_id,
            program_id=person.program_id,
            user_id=person.user_id,
            stage=surveys_repo.BEFORE,
            ratings=dict.fromkeys(skills_of(person), level),
        )


async def survey_target(
    deps: Deps, *, team_id: str, user_id: str, program_id: int, stage: str
) -> tuple[Program, Participant] | None:
    """The program and the person's row, if they take part in it (or did) and the stage is a survey stage."""
    if stage not in prompts.STAGE_WORDS:
        return None
    async with deps.db.read() as session:
        program = await programs_repo.get_program(session, team_id=team_id, program_id=program_id)
        person = await participants_repo.get_participant(
            session, team_id=team_id, program_id=program_id, user_id=user_id
        )
        # only a survey this person was sent (a forged stage or program gets nothing)
        sent = await outbox.by_key(session, team_id=team_id, key=survey_key(program_id, stage, user_id))
    if program is None or person is None or person.state == ParticipantState.DELETED:
        return None
    if not answerable(sent):  # sent, being sent, or Slack may have posted it (the click shows it was)
        return None
    return program, person


def skill_choices(person: Participant, program: Program) -> list[tuple[str, str]]:
    return [(key, topic_label(key, program)) for key in skills_of(person)[: prompts.SKILLS_SHOWN]]


async def saved_answers(deps: Deps, *, person: Participant, stage: str) -> dict[str, Any] | None:
    async with deps.db.read() as session:
        saved = await surveys_repo.get_survey(
            session, team_id=person.team_id, program_id=person.program_id, user_id=person.user_id, stage=stage
        )
        levels = await surveys_repo.levels(
            session, team_id=person.team_id, program_id=person.program_id, user_id=person.user_id, stage=stage
        )
    if saved is None:
        return None
    return {"recommend": saved.recommend, "change": saved.change, "levels": levels}


def parse_survey(values: dict[str, Any], skills: list[str]) -> tuple[dict[str, Any] | None, dict[str, str]]:
    def element(block_id: str) -> dict[str, Any]:
        return (values.get(block_id) or {}).get(block_id) or {}

    errors: dict[str, str] = {}
    levels = {}
    for index, skill in enumerate(skills[: prompts.SKILLS_SHOWN]):
        block = f"{prompts.SKILL_PREFIX}{index}"
        level = str((element(block).get("selected_option") or {}).get("value") or "")
        if level not in prompts.LEVELS:
            errors[block] = prompts.ERRORS["level"]
        else:
            levels[skill] = int(level)
    recommend = str((element(prompts.RECOMMEND).get("selected_option") or {}).get("value") or "")
    if not (recommend.isdigit() and 0 <= int(recommend) <= 10):
        errors[prompts.RECOMMEND] = prompts.ERRORS["recommend"]
    change = str(element(prompts.CHANGE).get("value") or "").strip()
    if len(change) > prompts.CHANGE_MAX:
        errors[prompts.CHANGE] = prompts.ERRORS["change"]
    if errors:
        return None, errors
    return {"levels": levels, "recommend": int(recommend), "change": change}, {}


async def save(deps: Deps, *, person: Participant, stage: str, answers: dict[str, Any]) -> bool:
    """Store the survey (replacing an earlier answer for that stage); False when it replaced one."""
    async with deps.db.session() as session:
        await surveys_repo.rate_skills(
            session,
            team_id=person.team_id,
            program_id=person.program_id,
            user_id=person.user_id,
            stage=stage,
            ratings=answers["levels"],
        )
        return await surveys_repo.save_survey(
            session,
            team_id=person.team_id,
            program_id=person.program_id,
            user_id=person.user_id,
            stage=stage,
            recommend=answers["recommend"],
            change=answers["change"],
        )


@dataclass(frozen=True)
class SurveyForm:
    """What the survey form shows: the topics whose confidence is asked (key, label), and the person's earlier
    answers when answering again."""

    program_id: int
    skills: list[tuple[str, str]]
    saved: dict[str, Any] | None


async def survey_form(deps: Deps, *, team_id: str, user_id: str, program_id: int, stage: str) -> SurveyForm | None:
    """*Answer the survey*: the form of a survey this person was sent; None for anyone else (or a forged stage)."""
    found = await survey_target(deps, team_id=team_id, user_id=user_id, program_id=program_id, stage=stage)
    if found is None:
        return None
    program, person = found
    assert program.id is not None
    saved = await saved_answers(deps, person=person, stage=stage)
    return SurveyForm(program.id, skill_choices(person, program), saved)


@dataclass(frozen=True)
class SurveyAnswers:
    """A survey form's answers that passed every check, from someone the survey was sent to: to save. ``labels``:
    the topics' names, to give the answers back if saving fails."""

    person: Participant
    stage: str
    answers: dict[str, Any]
    labels: dict[str, str]


async def check_survey(
    deps: Deps, *, team_id: str, user_id: str, program_id: int, stage: str, values: dict[str, Any]
) -> tuple[SurveyAnswers | None, dict[str, str]]:
    """Before the form's ack: the answers, or inline errors keyed by block id. Only reads, which never wait for a
    writer, so the ack stays within Slack's 3 s however busy the database is; :func:`record_survey` saves after."""
    found = await survey_target(deps, team_id=team_id, user_id=user_id, program_id=program_id, stage=stage)
    if found is None:
        return None, {prompts.RECOMMEND: prompts.ERRORS["closed"]}
    program, person = found
    choices = skill_choices(person, program)  # from the database, not the form
    answers, errors = parse_survey(values, [key for key, _ in choices])
    if answers is None:
        return None, errors
    return SurveyAnswers(person, stage, answers, dict(choices)), {}


async def record_survey(deps: Deps, client: AsyncWebClient, checked: SurveyAnswers) -> bool | None:
    """Save checked answers (after the form's ack), replacing an earlier answer for that stage: whether they were
    the first. When saving fails (logged), the person gets their answers back by DM with a button that opens the
    survey again, and None is returned."""
    person = checked.person
    try:
        return await save(deps, person=person, stage=checked.stage, answers=checked.answers)
    except (DatabaseError, OSError) as exc:
        logger.error(
            "Could not save the %s survey of %s in %s: %s", checked.stage, person.user_id, person.team_id, describe(exc)
        )
        dm = prompts.not_saved_dm(
            program_id=person.program_id, stage=checked.stage, answers=checked.answers, labels=checked.labels
        )
        await try_call(client.chat_postMessage(channel=person.user_id, **dm.as_kwargs()), what="chat.postMessage")
        return None


async def send_survey(deps: Deps, client: AsyncWebClient, row: Outbox, batch: Batch) -> Outcome:
    """The survey DM, to someone still taking part in a program still running."""
    p = SurveyPayload.of(row)
    found = await survey_target(deps, team_id=row.team_id, user_id=p.user_id, program_id=p.program_id, stage=p.stage)
    if found is None or found[0].state != ProgramState.RUNNING or found[1].state != ParticipantState.ACTIVE:
        return Outcome.skipped(Skip.NOT_TAKING_PART)
    program, _ = found
    assert program.id is not None
    reply = prompts.survey_dm(program_id=program.id, program_name=program.name, stage=p.stage)
    answer = await client.chat_postMessage(channel=p.user_id, **reply.as_kwargs())
    return Outcome.posted(answer)


SENDERS = {Kind.SURVEY: send_survey}
