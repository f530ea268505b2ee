"""Every sentence the Telegram channel adds to what `bot.answers` already says (plain text)."""

from __future__ import annotations

import datetime as dt

START = (
    "您好！我是晋中民生问答，可以帮您了解晋中市的民生政策，每条回答都注明出处。\n"
    "请直接打字提问，比如“低保怎么申请”“老楼加装电梯去哪里办”。也可以点下面的话题："
)
HELP = (
    "直接打字提问就行，比如“低保怎么申请”。回答下面的按钮可以接着问申请条件、怎么办理、去哪里办，"
    "也可以点 👍 或 👎 告诉我们回答有没有用。\n"
    "/topics 查看我能回答的话题。不需要发送身份证号、手机号等个人信息。"
)
TOPICS = "请选择您想了解的话题："
UNKNOWN_COMMAND = "没有这个命令。可以用 /start、/help、/topics，或者直接打字提问。"
NOT_TEXT = "我只能看懂文字。请直接打字告诉我您想问什么，比如“低保怎么申请”。"
SLOW_DOWN = "您发消息有点快，请稍等一两分钟再问，我会继续为您解答。"
ALREADY_ANSWERED = "已经回答过了，请看上面的消息。"
EXPIRED = "这个按钮已经过期了，请重新打字提问。"
FEEDBACK_THANKS = {1: "谢谢您的肯定！", -1: "谢谢反馈，我们会改进回答。"}
FEEDBACK_BUTTONS = {1: "👍 有用", -1: "👎 没用"}
FEEDBACK_NOT_YOURS = "只有提问的人可以评价这条回答。"
SOURCES = "来源："

COMMANDS = {
    "start": "开始使用",
    "help": "使用说明",
    "topics": "我能回答的话题",
}
ADMIN_COMMANDS = {
    "reload": "重新加载知识库（/reload force 强制）",
    "rollback": "回到上一个知识库版本",
    "stats": "统计（可加天数，如 /stats 30）",
    "unanswered": "待处理的问题，可直接标注（可加组数）",
}

RELOAD_BUSY = "正在重新加载，请稍候再试。"
NO_QUERY_LOG = "没有开启问题记录，无法统计。"
DECISION_TITLES = {
    "answer": "已回答",
    "clarify": "反问确认",
    "decline": "未能回答",
    "smalltalk": "寒暄",
    "urgent": "紧急情况",
}


def as_of(date: dt.date) -> str:
    """`信息截至2026年11月1日。`"""
    return f"信息截至{date.year}年{date.month}月{date.day}日。"


def reload_ok(
    previous: str, version: str, intents: int, examples: int, facets: int, forced: bool = False
) -> str:
    """The first line of the reply to a successful /reload."""
    change = f"版本 {previous} → {version}"
    if previous == version:
        change = f"内容没有变化（版本 {version}）"
    how = "（强制）" if forced else ""
    return (
        f"知识库已重新加载{how}：{change}，{intents} 个话题、{examples} 条例句、{facets} 个分项。"
    )


def reload_failed(version: str, count: int) -> str:
    """The first line of the reply to a /reload refused for broken files."""
    return f"知识库有 {count} 处问题，没有更新，仍在使用版本 {version}。请修改后再 /reload："


def more_problems(count: int) -> str:
    """The last line of a long list of reload problems."""
    return f"…另有 {count} 处问题"


def reload_worse(version: str, before: float, after: float) -> str:
    """The first line of the reply to a /reload refused because dev accuracy would drop."""
    return (
        f"没有更新：开发集准确率会从 {before:.1%} 降到 {after:.1%}，仍在使用版本 {version}。"
        "改动和影响如下："
    )


RELOAD_FORCE_HINT = "确认要用新版本，请发 /reload force。"
RELOAD_USAGE = "用法：/reload，或 /reload force（开发集准确率下降也更新）"

CHANGES = "改动："
NO_CHANGES = "  没有内容上的变化"
DIFF_TITLES = {
    "intents_added": "新增话题",
    "intents_removed": "删除话题",
    "intents_changed": "修改的话题",
    "facets_added": "新增分项",
    "facets_removed": "删除分项",
    "sources_added": "新增来源",
    "sources_removed": "删除来源",
    "sources_changed": "修改的来源",
    "other": "其他改动",
}
OTHER_TITLES = {"lexicon": "词表", "out_of_scope": "范围外例句"}


def examples_changed(added: bool, count: int, title: str) -> str:
    """One intent's added or removed examples, before a few of them."""
    return f"  {'新增' if added else '删除'}例句 {count} 条（{title}）："


def replayed(count: int) -> str:
    """The heading of the replay summary."""
    return f"用最近 {count} 个问题对比新旧版本："


REPLAY_KINDS = {
    "switched": "换了话题",
    "newly_answered": "新答上",
    "newly_declined": "新答不上",
}
REPLAY_SAME = "  回答都没有变化"


def replay_count(kind: str, count: int) -> str:
    """How many replayed questions changed one way."""
    return f"  {REPLAY_KINDS[kind]} {count} 个："


def dev_accuracy(count: int, before: float, after: float) -> str:
    """Dev-set accuracy before → after."""
    return f"开发集 {count} 题准确率：{before:.1%} → {after:.1%}"


def rolled_back(previous: str, version: str, intents: int, examples: int, facets: int) -> str:
    """The first line of the reply to a successful /rollback."""
    return (
        f"已回到上一个版本：{previous} → {version}，"
        f"{intents} 个话题、{examples} 条例句、{facets} 个分项。"
    )


ROLLBACK_FILES = "磁盘上的知识库文件没有改动，下次 /reload 会重新加载它们。"


def nothing_to_roll_back(version: str) -> str:
    """The reply to /rollback when no earlier version is kept."""
    return f"没有可以回去的早先版本，仍在使用版本 {version}。"


def stats_heading(days: int, total: int) -> str:
    """The first line of /stats."""
    return f"最近 {days} 天共 {total} 个问题。"


STATS_PER_DAY = "每天："
STATS_PER_DECISION = "按结果："
STATS_PER_INTENT = "按话题（已回答）："
STATS_TOP_DECLINED = "未能回答最多的问题："
STATS_USAGE = "用法：/stats 或 /stats 天数（1–365）"


def unanswered_heading(days: int, clusters: int, questions: int, shown: int) -> str:
    """The first message of /unanswered."""
    return (
        f"最近 {days} 天有 {questions} 个问题待处理，归成 {clusters} 组（已遮盖个人信息）。"
        f"下面是最多的 {shown} 组，可以直接标为某个话题的例句或忽略："
    )


UNANSWERED_NONE = "最近没有待处理的问题。"
UNANSWERED_USAGE = "用法：/unanswered 或 /unanswered 组数（1–10）"
REASON_TITLES = {
    "declined": "未能回答",
    "clarified": "反问确认",
    "low confidence": "把握不大",
    "👎": "👎",
}


def cluster_size(size: int, reasons: str) -> str:
    """The line under a cluster's question: how often, and why it needs a look."""
    return f"共 {size} 次：{reasons}"


def label_button(title: str) -> str:
    """The button that adds a cluster to a topic's examples."""
    return f"标为 {title}"


DISMISS_BUTTON = "忽略"
REVIEW_DONE = "这组问题已经处理过了。"
REVIEW_ADMINS_ONLY = "只有管理员可以处理这些问题。"
REVIEW_GONE = "这组问题已经不在待处理列表里了（可能已有人处理），请重新发 /unanswered。"


def labelled(questions: int, title: str, added: int, already: int) -> str:
    """What pressing "标为 …" did; it is served after the next /reload."""
    note = f"（{already} 条重复，没有再加）" if already else ""
    return (
        f"✅ 已把这 {questions} 个问题标为「{title}」：新增 {added} 条例句{note}。"
        "发送 /reload 后生效。"
    )


def dismissed(questions: int) -> str:
    """What pressing "忽略" did."""
    return f"✅ 已忽略这 {questions} 个问题，知识库不变。"


def label_refused(title: str, count: int) -> str:
    """The first line when a label would leave the knowledge with problems."""
    return f"没有标记：加入「{title}」后知识库会有 {count} 处问题，文件保持原样："
