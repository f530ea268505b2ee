"""Measured accuracy on the held-out sets must not fall below what the README reports.

Never tuned on: `test.jsonl` (residents' questions of every kind), `holdout_public.jsonl`
(questions from the public, most of which must be declined), `unseen.jsonl` (a later,
independently written set of every kind), `later.jsonl` (a month of mixed messages, near-miss
heavy, written after the other sets) and `near3.jsonl` (near-misses on every topic by a third
writer, with in-scope questions sharing their backgrounds) and `near6.jsonl` (the same by a sixth
writer: older rural residents and hurried young parents, the question often first; its overall
figures were read once, to see that a second per-topic word list changed nothing on it) and
`residents5.jsonl` (residents' questions wrapped in illness, debts and quarrels, by a fifth writer)
and `unseen2.jsonl` (a month of messages of every kind from twenty personas, by a later writer
who saw only the description of the bot's scope) and `unseen4.jsonl` (two months of messages of
every kind from thirty personas, each written by hand, by a still later writer) and
`unseen5.jsonl` (a month of messages of every kind from a fresh cast of personas, by a later
writer still; measured once when it arrived, then only at the end of a round of changes) and
`unseen6.jsonl` (a day of traffic from thirty people in all eleven counties, other city matters
included, by a later writer again; measured in the same way) and `unseen7.jsonl` (a week of
traffic from twenty-five people, written at the end of the twelfth round and measured once then)
and `unseen8.jsonl` (a week of traffic from thirty people, written at the start of the thirteenth
round; measured when it arrived and after each change, aggregates only) and `unseen9.jsonl` (a
fortnight of traffic from thirty people, written during the thirteenth round and first measured
after its rules, then with each later change; aggregates only) and `unseen10.jsonl` (a day of
traffic, common one-liners left out as already in other sets, written at the start of the
fourteenth round; measured when it arrived and after each change, aggregates only) and
`unseen11.jsonl` (a month of traffic from thirty-five people in all eleven counties, written
during the fourteenth round; measured when it arrived and after each change, aggregates only) and
`unseen12.jsonl` (a day of traffic from six residents — a voice-typing retired miner, a young
mother, a rider, a cadre's wife asking for neighbours, a student helping grandparents, a grumpy
man — written at the start of the fifteenth round; aggregates only) and `unseen13.jsonl` (two
weeks of traffic from twenty-one invented residents, written during the fifteenth round;
aggregates only) and `unseen14.jsonl` (a late-autumn week from twenty-six residents, written near
the fifteenth round's end; measured with the round's starting code and its last, aggregates
only) and `unseen15.jsonl` (seven residents — a voice-typing grandfather, a young mother, a rider,
a village accountant, a grandson, a returned migrant worker, a retired teacher — written at the
start of the sixteenth round; aggregates only) and `unseen16.jsonl` and `unseen17.jsonl` (three
days and a month of traffic, written during the sixteenth round and measured on arrival with the
round's starting code and with the code then current, then after each change; aggregates only).

Tuned on: `dev.jsonl`, `dev_public.jsonl`, `dev_more.jsonl` (paraphrases, long messages,
danger), `public_more.jsonl` (public questions sharing topic words), `valid.jsonl` and
`stress.jsonl` (paraphrase-heavy sets), `declines.jsonl` (near-misses and out-of-scope
questions), `residents.jsonl` (residents' questions, a quarter paraphrases), `residents2.jsonl`
(residents' questions wrapped in their lives), `refusals.jsonl`
(near-misses, long stories and other matters to decline), `week.jsonl` (a week's mixed
messages), `near.jsonl`, `near2.jsonl`, `near4.jsonl` and `near5.jsonl` (near-misses on every
topic, by four writers), `public2.jsonl` (questions the public sends a city hotline) and
`residents3.jsonl` (residents unsure of a policy's name, asking indirectly), `residents4.jsonl`
(voice-dictated, clipped and forwarded questions), `residents6.jsonl` (one-finger and voice typing,
dialect, policies named by what they give) and `near7.jsonl` (near-misses whose topic word sits in
the very sentence that asks about something else) and `public3.jsonl` (a city hotline's day,
half of it sharing the topics' words: 最低保修期, 适老化模式 of an app, a factory's 危房) and
`near8.jsonl` (voice-typed near-misses by households and retired men, some saying 想问个不相干的
themselves) and `public4.jsonl` (a fourth writer's city hotline: every department, half of it
sharing the topics' words) and `residents7.jsonl` (half-remembered policy names, and fifty
follow-ups in a chat) and `public5.jsonl` (a city leaders' message board, angry one-liners and
rumours to check) and `residents8.jsonl` (grandparents, shift workers and neighbours helping, with
ninety follow-ups that often have no question word at all) and `near9.jsonl` (near-misses typed
fast by students, shopkeepers and village cadres, with pinyin initials and English mixed in) and
`near10.jsonl` (people who work at the topics' places asking about their own work, and relatives
abroad) and `near11.jsonl` (asking the bot's opinion, jokes, comparisons with other countries)
and `public6.jsonl` (search-box keywords, English, pinyin, requests to the bot itself) and
`residents9.jsonl` (patients' relatives, small farmers, parents of disabled children: long
stories and search-box fragments) and `near12.jsonl` (personal cases to look up, complaints about
staff, reports of favouritism) and `near13.jsonl` (everyday matters dictated by elderly rural
women, often naming two or three topics) and `week2.jsonl` (a second week of mixed messages, a
quarter of them near-misses; only one change, for complaints, was prompted by it) and
`near14.jsonl` (near-misses mixing opinions, personal cases, complaints, staff's own work and
everyday life) and `near15.jsonl` (other policies sharing a word, family, own business, apps,
weather) and `residents10.jsonl` (long hardship stories, chat replies telling a circumstance) and
`residents11.jsonl` (dialect and voice typing by elderly villagers) and `near17.jsonl` (other
places, national statistics, slogans) and `residents12.jsonl` (the five core topics: paraphrases,
typos, follow-ups) and `near16.jsonl` and `near18.jsonl` (near-misses of every kind by a
sixteenth and an eighteenth writer) and `near19.jsonl` (near-misses by bus drivers, butchers,
pharmacists, insurance agents and students: staff pay, brands, homework, rumours) and
`residents13.jsonl` (voice-dictated, paraphrased and follow-up questions on all topics) and
`public7.jsonl` (a city hotline's public: every department, half sharing the topics' words) and
`near20.jsonl` (near-misses by taxi drivers, nurses, landlords and shop owners: rumours to confirm,
凭啥 grievances, staff's own work) and `residents14.jsonl` (paraphrases, long stories and chat
follow-ups on all topics) and `unseen3.jsonl` (a month of messages of every kind, written to be
held out; its error list was read by mistake after its first measurement, so it is tuned on) and
`near21.jsonl` (short near-misses on every topic: staff, premises, history, totals, puns) and
`public8.jsonl` (a week of a city hotline's public, half sharing the topics' words) and
`near22.jsonl` (long stories about a topic that end asking about something else) and
`near23.jsonl` (near-misses by clerks, nurses, agents and church volunteers) and
`residents15.jsonl` (chat follow-ups, many telling a circumstance, and paraphrases) and
`near24.jsonl` (near-misses and official-sounding other matters by drivers, farmers, a vet) and
`near25.jsonl` (near-misses by a retired weaver, shift-working mothers, a rider, a village
accountant: staff's pay, homework, rumours heard on 抖音) and `near26.jsonl` (near-misses by a
widower, young parents, a grid worker, a carer, a student: 低保真, 菜鸟驿站, 托管班, other cities)
and `residents16.jsonl` (in-scope paraphrases, dialect, long stories and sixty chat follow-ups) and
`public9.jsonl` (a city service account's stream, nearly all to decline) and `near27.jsonl`
(near-misses by a railway pensioner, a night nurse, a shepherd, a teacher: forwarded rumours,
recommendations, stories ending elsewhere) and `residents17.jsonl` (chats: a hundred and fifty
follow-ups, some turning to another topic or another matter) and `near28.jsonl` (near-misses by a
miner, a shop owner, a bus driver, a village doctor: group-chat rumours, bets, stories ending on
chess or phone screens) and `residents18.jsonl` (policies described by what they give, long
worried stories, chat replies) and `near29.jsonl` (near-misses by a voice-typing retired miner, a
rider, a teacher, a grandson asking for his grandmother: repairs, parcel stations, role-play) and
`residents19.jsonl` (dialect, paraphrases and chat follow-ups by farmers, a carer, a courier)
and `near30.jsonl` (near-misses by a bun seller, a retired headmaster, a ride-hailing driver, a
village accountant: sums compared with neighbours', lost rings, bookkeeping, family shares) and
`residents20.jsonl` (a widower's granddaughter, a carer, a laid-off miner, a rider: paraphrases
and short chat replies) and `near31.jsonl` (near-misses by a retired signalman typing a space
between words, a dental nurse, a shepherd, a student mixing English, a grid worker: maths
homework, dogs in lifts, staff's names, sums to work out) and `residents21.jsonl` (grandparents
raising grandchildren, a blind masseur dictating, a couple on a fourth floor, a village doctor) and
`near32.jsonl` (near-misses by a pinyin-typing cook, a couple sharing a phone, a truck driver
dictating, an accountant numbering her questions; measured once near the round's end) and
`near33.jsonl` (near-misses by a tailor, a programmer caring for his father, a retired teacher
writing politely, a mother of twins, a night guard, a women's-federation worker) and
`near34.jsonl` (near-misses by a beekeeper dictating, a nurse in internet shorthand, a migrant
builder, a widower typing one word a line) and `near35.jsonl` (near-misses by people in many
trades, with in-scope questions in the same voices) and `near36.jsonl` (chat replies after an
answer: follow-ups, and replies drifting to what the bot cannot answer) and `residents22.jsonl`
(formal letter-like questions and follow-ups, and elderly residents voice-typing) and
`near37.jsonl` (long stories about a topic asking about something else, and in-scope questions
told the same way) and `residents23.jsonl` (policies described instead of named, officialese,
typos, follow-ups) and `near38.jsonl` (one's own case, views, complaints and errands around each
topic, with in-scope questions that sound like them) and `residents24.jsonl` (long stories ending
in a question or in something else, and replies right after an answer) and `residents25.jsonl`
(two weeks of traffic from forty people) and `near39.jsonl` (errands, views and one's own case
told around every topic, with in-scope questions in the same voices) and `residents26.jsonl`
(policies described in residents' own words, facets asked indirectly, eighty-five chat replies)
and `near40.jsonl` (declines paired with in-scope twins told the same way) and
`residents27.jsonl` (a hundred and sixty chat replies: facets asked, circumstances, closings,
replies drifting elsewhere) and `near41.jsonl` (people working at the topics' places: their own
work, gossip, staff, with in-scope questions in the same voices) and `residents28.jsonl` (the
five core topics only: descriptions, typos, follow-ups and their near-misses) and
`residents29.jsonl` (the five core topics again, two in five described without their names) and
`near42.jsonl` (the line between answering and declining: a topic's words asking something else,
and in-scope questions that look like near-misses) and `chat27.jsonl` (replies right after an
answer: facets, circumstances, switches, own cases, thanks); all but the
first two were each measured once before
tuning on them began.

The floors are the figures last measured, rounded down; they guard against regressions.
The product targets (core ≥ 95 %, wrong ≤ 1 %, declined ≥ 97 %) are tracked in the README.
"""

from __future__ import annotations

import json

import pytest

from bot.config import PROJECT_ROOT
from bot.engine import Engine
from bot.evaluation import baseline, load_cases, measure, run_engine
from bot.understanding.decide import FOLLOW_UP, Decision

DATA = PROJECT_ROOT / "tests" / "data"
HELD_OUT = (
    "test.jsonl",
    "holdout_public.jsonl",
    "unseen.jsonl",
    "later.jsonl",
    "near3.jsonl",
    "near6.jsonl",
    "residents5.jsonl",
    "unseen2.jsonl",
    "unseen4.jsonl",
    "unseen5.jsonl",
    "unseen6.jsonl",
    "unseen7.jsonl",
    "unseen8.jsonl",
    "unseen9.jsonl",
    "unseen10.jsonl",
    "unseen11.jsonl",
    "unseen12.jsonl",
    "unseen13.jsonl",
    "unseen14.jsonl",
    "unseen15.jsonl",
    "unseen16.jsonl",
    "unseen17.jsonl",
)


def test_test_split_is_not_copied_into_the_knowledge(engine: Engine) -> None:
    known = {engine.normalise(e) for i in engine.snapshot.intents.values() for e in i.examples}
    known |= {engine.normalise(e) for e in engine.snapshot.out_of_scope.examples}
    for name in HELD_OUT:
        rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
        copied = [r["text"] for r in rows if engine.normalise(r["text"]) in known]
        assert copied == [], f"{name} questions found in the knowledge: {copied[:5]}"


def _texts(name: str) -> set[str]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    keys = {engine_free_key(json.loads(line)["text"]) for line in lines if line.strip()}
    return keys - {""}  # empty and emoji-only messages are in several sets on purpose


def engine_free_key(text: str) -> str:
    """Texts compared without punctuation and spaces."""
    return "".join(c for c in text if c.isalnum())


def test_splits_do_not_overlap() -> None:
    # every labelled set, tuning and held out alike: no question in two of them
    names = sorted(p.name for p in DATA.glob("*.jsonl"))
    assert set(HELD_OUT) <= set(names)
    sets = {name: _texts(name) for name in names}
    assert all(len(texts) >= 200 for texts in sets.values())
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            assert not sets[first] & sets[second], (first, second)


# core right, wrong answers, out-of-scope declined, as last measured (rounded down / up)
FLOORS = {
    "test.jsonl": (0.95, 0.008, 0.97),
    "holdout_public.jsonl": (0.92, 0.002, 0.99),
    "unseen.jsonl": (0.97, 0.021, 0.94),
    "later.jsonl": (0.90, 0.014, 0.95),
    "near3.jsonl": (0.95, 0.074, 0.86),  # near-misses are the hard case: see the README
    "near6.jsonl": (0.99, 0.091, 0.81),
    "residents5.jsonl": (0.94, 0.005, 0.0),  # in scope only: nothing to decline
    "unseen2.jsonl": (0.97, 0.016, 0.95),
    "unseen4.jsonl": (0.94, 0.066, 0.82),  # first look: 0.913 / 0.103 / 0.730
    "unseen5.jsonl": (0.97, 0.032, 0.91),  # first look: 0.935 / 0.043 / 0.880
    "unseen6.jsonl": (0.88, 0.031, 0.88),  # first look: 0.885 / 0.049 / 0.845
    "unseen7.jsonl": (0.91, 0.061, 0.84),  # first look: 0.899 / 0.072 / 0.812 (0.076 / 0.802 at
    # the twelfth round's start)
    "unseen8.jsonl": (0.99, 0.025, 0.91),  # first look: 0.979 / 0.028 / 0.903
    "unseen9.jsonl": (0.92, 0.004, 0.98),  # first look: 0.907 / 0.014 / 0.955 (the same with
    # the thirteenth round's starting code)
    "unseen10.jsonl": (0.93, 0.009, 0.92),  # first look: 0.939 / 0.008 / 0.926
    "unseen11.jsonl": (0.92, 0.035, 0.87),  # first look: 0.896 / 0.042 / 0.847
    "unseen12.jsonl": (0.94, 0.014, 0.96),  # first look: 0.929 / 0.026 / 0.904
    "unseen13.jsonl": (0.91, 0.014, 0.95),  # first look: 0.898 / 0.017 / 0.940
    "unseen14.jsonl": (0.84, 0.028, 0.92),  # first look: 0.830 / 0.028 / 0.928 (the same with
    # the fifteenth round's starting code)
    "unseen15.jsonl": (0.93, 0.036, 0.87),  # first look: 0.934 / 0.035 / 0.871
    "unseen16.jsonl": (0.93, 0.032, 0.88),  # round's starting code: 0.930 / 0.036 / 0.877
    "unseen17.jsonl": (0.95, 0.019, 0.90),  # round's starting code: 0.948 / 0.034 / 0.875
}


@pytest.mark.parametrize("name", list(FLOORS))
def test_held_out_accuracy_floors(engine: Engine, name: str) -> None:
    core, wrong, declined = FLOORS[name]
    cases = load_cases(DATA / name)
    ours = measure(run_engine(engine, cases))
    plain = measure([baseline(engine, 80.0)(c) for c in cases])
    assert ours.core_accuracy >= core
    assert ours.wrong_rate <= wrong
    assert ours.oos_declined >= declined
    assert ours.overall > plain.overall  # better than a plain rapidfuzz classifier


# tuning sets whose out-of-scope questions are replayed as if sent in a chat after an answer
IN_A_CHAT = (
    "declines.jsonl",
    "dev_public.jsonl",
    "public2.jsonl",
    "public3.jsonl",
    "public4.jsonl",
    "near7.jsonl",
    "near8.jsonl",
    "public5.jsonl",
    "public6.jsonl",
)


def test_out_of_scope_questions_in_a_chat_are_rarely_taken_for_follow_ups(engine: Engine) -> None:
    # every message in a chat arrives after some topic's answer; a question with its own subject
    # (公积金缴存基数啥时候调整) must not be answered as that topic (1.7% when last measured)
    topics = sorted(engine.snapshot.intents)
    cases = [c for name in IN_A_CHAT for c in load_cases(DATA / name) if c.expect == "decline"]
    taken = []
    for i, case in enumerate(cases):
        answer = engine.ask(case.text, context=topics[i % len(topics)])
        if answer.decision is Decision.ANSWER and answer.reason == FOLLOW_UP:
            taken.append(case.text)
    assert len(taken) <= 0.02 * len(cases), taken[:10]


# tuning sets whose short in-scope questions are replayed after another topic's answer
SWITCHING = (
    "residents.jsonl",
    "residents2.jsonl",
    "residents3.jsonl",
    "residents4.jsonl",
    "residents6.jsonl",
    "residents7.jsonl",
    "residents8.jsonl",
    "valid.jsonl",
    "stress.jsonl",
    "dev.jsonl",
    "dev_more.jsonl",
)


def test_a_short_question_on_a_new_topic_in_a_chat_keeps_its_topic(engine: Engine) -> None:
    # a resident who turns to another topic (低宝得带啥材料 after 适老化改造) must not get the
    # previous topic's answer: of the short questions answered right on their own, at most 1%
    # may change topic when sent after another topic's answer (0.4% when last measured)
    topics = sorted(engine.snapshot.intents)
    cases = [
        c
        for name in SWITCHING
        for c in load_cases(DATA / name)
        if c.is_topic and not c.context and len(engine.normalise(c.text).replace(" ", "")) <= 14
    ]
    kept = [c for c in cases if engine.ask(c.text).intent == c.expect]
    moved = []
    for i, case in enumerate(kept):
        previous = topics[i % len(topics)]
        if previous == case.expect:
            previous = topics[(i + 1) % len(topics)]
        if engine.ask(case.text, context=previous).intent != case.expect:
            moved.append((previous, case.text))
    assert len(kept) >= 500
    assert len(moved) <= 0.01 * len(kept), moved[:10]
