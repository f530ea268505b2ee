"""How residents' ways of writing are understood: what a resident would notice."""

from __future__ import annotations

import pytest

from bot.answers import render_plain
from bot.config import Thresholds
from bot.engine import Engine
from bot.understanding.decide import LEAD, Decision, Verdict, decide
from bot.understanding.match import Candidate, MatchResult
from bot.understanding.normalise import clean
from bot.understanding.pinyin import segment


def test_clean_handles_width_script_case_and_noise() -> None:
    assert clean("ＤＩＢＡＯ　怎麼申請？？") == "dibao怎么申请"
    assert clean("低\u200b保\u0007 😀😀 咋办") == "低保咋办"
    assert clean("  加装   电梯 ") == "加装电梯"


def test_dialect_words_become_standard(engine: Engine) -> None:
    assert engine.normalise("俺娃咋办") == "我孩子怎么办"
    assert engine.normalise("啥时候能批下来") == "什么时候能批下来"


def test_english_words_are_read_whole(engine: Engine) -> None:
    assert engine.normalise("Lift 加装 how much") == "电梯加装多少钱"
    assert "电梯" not in engine.normalise("shift 工作")


def test_pinyin_input_is_segmented() -> None:
    assert segment("dibaozenmeshenqing") == ["di", "bao", "zen", "me", "shen", "qing"]
    assert segment("yuer") == ["yu", "er"]  # greedy "yue" would strand the "r"
    assert segment("xyzq") is None
    assert segment("jineng") == ["ji", "neng"]  # 技能: a syllable rarely opens on a vowel


def test_pinyin_typed_without_a_topic_name_in_chinese_reaches_the_topic(engine: Engine) -> None:
    assert engine.ask("jineng peixun zai nali baoming").intent == "employment_support"


def test_pinyin_asking_whether_there_is_one_offers_the_topic(engine: Engine) -> None:
    answer = engine.ask("yuci you meiyou lingong shichang")  # 有没有, typed in pinyin
    assert answer.decision is Decision.CLARIFY
    assert [o.id for o in answer.candidates] == ["employment_support"]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("低保咋申请", "dibao"),
        ("低包怎么申请", "dibao"),
        ("dibao zenme shenqing", "dibao"),
        ("yuer butie zenme shenqing", "childcare_subsidy"),
        ("lingong shichang you meiyou", "employment_support"),  # lin for ling, as typed
        ("加装电题要多少钱", "elevator_retrofit"),
        ("托育补帖怎么领", "childcare_subsidy"),
        ("長幼同園怎麼申請", "sibling_kindergarten"),
        ("村里的就业社保服务点能办啥", "employment_social_security_points"),
        ("childcare subsidy 怎么申请", "childcare_subsidy"),
        ("俺们楼想装 elevator, how much", "elevator_retrofit"),
        ("family doctor 咋签约", "healthcare"),
        ("自助一休机咋查养老钱交了几年", "employment_social_security_points"),  # 体 typed as 休
        ("镇上有没有社保self-service机器", "employment_social_security_points"),
        ("家医签约要带啥", "healthcare"),  # 家庭医生 shortened
        ("大班免除保教费是从哪年开始的", "free_kindergarten_fees"),
    ],
)
def test_typos_homophones_pinyin_english_and_traditional_reach_the_topic(
    engine: Engine, question: str, intent: str
) -> None:
    answer = engine.ask(question)
    assert answer.decision is Decision.ANSWER
    assert answer.intent == intent


@pytest.mark.parametrize(
    ("question", "facet"),
    [
        ("低保怎么申请", "how_to_apply"),
        ("低保要带什么材料", "materials"),
        ("低保去哪里办", "where"),
        ("低保一个月给多少钱", "amount"),
        ("低保审批要多久", "duration"),
        ("什么条件能吃低保", "eligibility"),
        ("低保是什么", "overview"),
    ],
)
def test_the_facet_follows_the_question(engine: Engine, question: str, facet: str) -> None:
    answer = engine.ask(question)
    assert (answer.intent, answer.facet) == ("dibao", facet)


@pytest.mark.parametrize(
    ("question", "topic", "facet"),
    [
        ("俺家这光景能吃上低保不", "dibao", "eligibility"),
        ("俺们村有木有养老驿站", "elderly_care", "where"),
        ("大班免了保教费，伙食费还交不", "free_kindergarten_fees", "amount"),
        ("低保今年有啥新变化", "dibao", "progress"),  # 新变化 asks how it is going
        ("俺娃九月念一年级 入学得带啥材料", "education", "materials"),
        ("高林津贴咋领", "senior_allowance", "how_to_apply"),  # -ng typed as -n
        ("加装电梯咋弄好", "elevator_retrofit", "how_to_apply"),  # 办好 alone is not when
        # someone 能…不 / 能不能 go or use: whether they qualify
        ("跑网约车的能去暖新驿站坐坐不", "warm_station", "eligibility"),
        ("老人家坐轮椅的能用社区家政不", "home_services", "eligibility"),
        ("高龄津贴一般几号发", "senior_allowance", "duration"),
        ("什么样的楼能加装电梯", "elevator_retrofit", "eligibility"),
        ("社区家政请人伺候老人一天得几钱", "home_services", "amount"),
        # what is new with a named topic is answered from its progress, not asked back
        ("这两年俺们这儿低保有啥新变化没", "dibao", "progress"),
        ("托位这两年加了多少个呀 俺们这片还是排不上", "childcare_subsidy", "progress"),
        ("俺们这托位今年新增了几个", "childcare_subsidy", "progress"),  # 新增了几
        ("托位今年增加了没 俺家排不上", "childcare_subsidy", "progress"),
    ],
)
def test_looser_wording_still_picks_the_facet(
    engine: Engine, question: str, topic: str, facet: str
) -> None:
    answer = engine.ask(question)  # 能…吗, 有没有…, 还交不, dialect, a typo
    assert (answer.decision, answer.intent, answer.facet) == (Decision.ANSWER, topic, facet)


def test_a_facet_the_sources_lack_says_so_and_names_the_office(engine: Engine) -> None:
    answer = engine.ask("高龄津贴去哪登记")
    assert (answer.intent, answer.facet) == ("senior_allowance", "where")
    assert "资料里没有写明" in answer.text and "民政" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "电梯坏了找谁修",
        "低保真音箱哪个牌子好",
        "托育概念股有哪些",
        "今天天气咋样",
        "平遥古城门票多少钱",
        "全国现在吃低保的一共有多少人",  # the whole country, not 晋中
        "帮我们村编两句托育点的宣传语",
        "托育机构的老师把我家孩子胳膊掐青了，我该怎么维权",
        "我想投资开个嵌入式养老机构，大概得砸多少钱进去，几年能回本不",
        "幸福小院这名字挺有味道的，有啥典故",
        "开一家日间照料中心大概要投多少钱",
        # a repair, a parcel station, a job at a place, selling, a gadget, homework
        "暖新驿站的饮水机坏了 谁来修",
        "菜鸟驿站几点开门",
        "社区食堂招厨师吗 工资咋样",
        "装了电梯的房子能卖多少钱",
        "适老化改造装的感应灯咋关掉",
        "用长幼同园造个句",
        # 好几天 tells how long, it does not ask: the repair is the question
        "暖新驿站的充电桩坏了好几天了 找谁修",
        "幸福小院的活动室灯坏了好几天了 谁来修",
        "家庭医生开的药是不是开错了",
        # a space typed between every word does not split the message into clauses
        "社区食堂  招  厨师  不",
        "养老驿站的空调坏了，你给报个修",
        # an inheritance, the best one of its kind (哪家…最好)
        "危房改造后的老宅兄弟仨咋继承",
        "榆次哪家养老院最好",
        # sums to work out, lottery numbers
        "请帮我计算危房改造预算 72平方米每平1350元",
        "彩票今晚开几号 中了就不用办低保了",
        "请帮我润色一下创业补贴申请书",
        "俺想把驿站做的饭菜拍成短视频发抖音 会不会侵犯老人隐私",
        "nuan xin yi zhan de wifi mi ma shi duo shao",
        "暖新驿站的热水喝了会不会拉肚子",
        # the story before a view asked is not what is asked (国家…让人多生吧，你觉得有用没用)
        "国家给发育儿补贴是为了让人多生吧，你觉得到底有用没用",
    ],
)
def test_near_misses_and_out_of_scope_are_declined_with_12345(
    engine: Engine, question: str
) -> None:
    answer = engine.ask(question)
    assert answer.decision is Decision.DECLINE
    assert "12345" in answer.text
    assert "低保" in answer.text  # the topic list is offered


def test_follow_up_uses_the_previous_topic(engine: Engine) -> None:
    answer = engine.ask("那要带什么材料？", context="dibao")
    assert (answer.decision, answer.intent, answer.facet) == (Decision.ANSWER, "dibao", "materials")
    elevator = engine.ask("那去哪里办？", context="elevator_retrofit")
    assert (elevator.intent, elevator.facet) == ("elevator_retrofit", "where")
    hours = engine.ask("周末开门不", context="employment_social_security_points")
    assert (hours.decision, hours.intent) == (Decision.ANSWER, "employment_social_security_points")
    also = engine.ask("邻村的也能去那办吗", context="employment_social_security_points")
    assert (also.intent, also.facet) == ("employment_social_security_points", "eligibility")
    # a short question going on from what was said (那…, 要是…) follows on without a facet cue
    for question, topic in [
        ("那小班呢", "free_kindergarten_fees"),
        ("要是户口不在一起呢", "dibao"),
        ("如果是租的房子能改不", "aging_retrofit"),
    ]:
        assert engine.ask(question, context=topic).intent == topic
    # 本人/亲自 ask how to apply, 开门 when: short enough with their cue to follow on
    in_person = engine.ask("得本人亲自跑一趟不", context="dibao")
    assert (in_person.intent, in_person.facet) == ("dibao", "how_to_apply")
    sunday = engine.ask("周日也开门不", context="warm_station")
    assert (sunday.intent, sunday.facet) == ("warm_station", "duration")
    # a closing particle (不, 没, 呢) says nothing of its own: these follow on as briefly as
    # 要带身份证, 还能报
    for question, topic, facet in [
        ("去了要带身份证不", "employment_support", "materials"),
        ("四十八了还能报不", "employment_support", "eligibility"),
    ]:
        answer = engine.ask(question, context=topic)
        assert (answer.decision, answer.intent, answer.facet) == (Decision.ANSWER, topic, facet)
    # the ways residents ask a facet in a reply: 贴钱 (paying part), 跑几回 (how to apply),
    # 礼拜天 and 节假日 (when it is open), 自己约 (how to book)
    for question, topic, facet in [
        ("自个儿还得贴钱不", "aging_retrofit", "amount"),
        ("中间要跑几回乡里", "dibao", "how_to_apply"),
        ("礼拜天也上门吗", "home_services", "duration"),
        ("节假日也管不", "urban_management", "duration"),
        ("是俺自己约吗", "healthcare", "how_to_apply"),
        ("星期六能去办不", "childcare_subsidy", "duration"),
        ("在乡里哪个办公室", "dibao", "where"),
        # 结婚证 is a paper to bring; getting or replacing one is another matter
        ("结婚证要不要带", "sibling_kindergarten", "materials"),
    ]:
        answer = engine.ask(question, context=topic)
        assert (answer.decision, answer.intent, answer.facet) == (Decision.ANSWER, topic, facet)
    # 大概, 以后 say nothing of a reply's own: 排队轮候大概要等多久 asks only how long
    queue = engine.ask("排队轮候大概要等多久", context="housing_security")
    assert (queue.intent, queue.facet) == ("housing_security", "duration")
    # … and a view asked in a chat is still a view (你说园长会同意不)
    view = engine.ask("你说园长会同意不", context="sibling_kindergarten")
    assert view.decision is Decision.DECLINE
    # how early to go, and whether more or fewer now receive it
    early = engine.ask("得提前多久去园里说", context="sibling_kindergarten")
    assert (early.intent, early.facet) == ("sibling_kindergarten", "duration")
    trend = engine.ask("领的人多了还是少了", context="dibao")
    assert (trend.intent, trend.facet) == ("dibao", "progress")
    # what it does (都干些啥) and from what age (几岁才能进)
    duties = engine.ask("平时都干些啥", context="home_services")
    assert (duties.intent, duties.facet) == ("home_services", "overview")
    age = engine.ask("小的得几岁才能进", context="sibling_kindergarten")
    assert (age.intent, age.facet) == ("sibling_kindergarten", "eligibility")
    # asking one facet, the topic just answered need not be the closest, only close enough
    proof = engine.ask("要单位开收入证明吗", context="dibao")
    assert (proof.intent, proof.facet) == ("dibao", "materials")
    # how many there are nearby, what to hand in, whether it is the same for others
    for question, topic, facet in [
        ("俺们县有几个", "elderly_care", "progress"),
        ("要交些啥", "sibling_kindergarten", "materials"),
        ("俺们是农村户口 也一样给？", "childcare_subsidy", "eligibility"),
        ("我这个月刚生了老二 也能领吗", "childcare_subsidy", "eligibility"),  # not one's case
        # in words the topic's own examples mostly use, though none of them is close
        ("要交孩子的出生证明不", "childcare_subsidy", "materials"),
        ("在村里申请还是得去镇上", "dibao", "how_to_apply"),
        ("俺奶八十五 能去吃饭不", "elderly_care", "eligibility"),  # not 高龄津贴's example
        # papers named (病历, 图纸), time in days, whether paying more gives more
        ("还要拿病历不", "dibao", "materials"),
        ("还得画图纸不", "elevator_retrofit", "materials"),
        ("多长日子能改完", "aging_retrofit", "duration"),
        ("交得多的领得也多吧", "pension_insurance", "amount"),
        # whether it has come to a place of one's own, or how far it has got there
        ("俺们和顺县有弄这个的没", "sibling_kindergarten", "progress"),
        ("咱们小区有没有这个", "home_services", "progress"),
        ("俺们寿阳县办了多少了", "rural_housing_renovation", "progress"),
        ("俺妈七十五 不是低保户 能给改不", "aging_retrofit", "eligibility"),
        # copies and originals of papers; which day of the week
        ("身份证复印件要交几份", "dibao", "materials"),
        ("专家一般礼拜几来", "healthcare", "duration"),
        # someone applying for a parent, whether one must come in person, which households
        ("能替我爸办不", "dibao", "how_to_apply"),
        ("得本人到场吗", "senior_allowance", "how_to_apply"),
        ("俺们村谁家能报", "rural_housing_renovation", "eligibility"),
        ("县城里建了几个", "warm_station", "progress"),
        # a county and hardly anything else; a paper named
        ("榆社有吗", "elderly_care", "progress"),
        ("还要娃的照片不", "childcare_subsidy", "materials"),
        ("去哪领 村委会还是乡镇上", "senior_allowance", "where"),
    ]:
        answer = engine.ask(question, context=topic)
        assert (answer.intent, answer.facet) == (topic, facet)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("学籍号在哪里能查到", "childcare_subsidy"),
        ("公积金缴存基数啥时候调整", "dibao"),
        ("寿阳有没有好吃的羊肉馆", "dibao"),  # a place named, but not what was answered
        # an errand of its own that only a question from outside fits (中考, 健康证)
        ("专升本考试在哪报名", "warm_station"),
        ("健康证在哪里办", "elderly_care"),
        # a word ruling the topic just answered out (公积金 for 养老保险, 住房保障)
        ("公积金咋提", "pension_insurance"),
        ("那公积金能拿来交房租不", "housing_security"),
    ],
)
def test_a_complete_question_about_something_else_is_not_a_follow_up(
    engine: Engine, question: str, topic: str
) -> None:
    # in a chat every message arrives after some topic; one with its own subject is not about it
    assert engine.ask(question, context=topic).decision is Decision.DECLINE


def test_a_new_topic_wins_over_the_context(engine: Engine) -> None:
    answer = engine.ask("长幼同园怎么申请", context="dibao")
    assert answer.intent == "sibling_kindergarten"


def test_a_chat_message_that_may_follow_up_is_asked_back_about_the_topic(engine: Engine) -> None:
    # nothing in it says which topic, but its words are the topic just answered's: one tap away
    answer = engine.ask("钱是交给阿姨呢 交给社区呢", context="home_services")
    assert answer.decision is Decision.CLARIFY
    assert [o.id for o in answer.candidates] == ["home_services"]
    assert answer.facet == "amount"  # what the option chosen will answer: who is paid, how much
    assert "12345" in answer.text  # in case something else was meant
    # a longer reply telling a circumstance and asking whether it counts, too
    longer = engine.ask("俺们两口子都没工作 家里还有俩老人 能办不", context="dibao")
    assert (longer.decision, longer.facet) == (Decision.CLARIFY, "eligibility")  # to answer
    # on its own, or with words of its own (明天尾号限行), it is turned away as before
    assert engine.ask("钱是交给阿姨还是交给社区").decision is Decision.DECLINE
    assert engine.ask("明天尾号限行是几号", context="dibao").decision is Decision.DECLINE


@pytest.mark.parametrize(
    ("story", "topic"),
    [
        (
            "适老化改造给俺爹装了个淋浴坐凳，俺想顺手把热水器换成燃气的，万和跟万家乐哪个耐用",
            "aging_retrofit",
        ),
        (
            "城中村改造分到了安置房，马上要装修了，地砖铺哪种好，大块的还是小块的显大",
            "housing_security",
        ),
        (  # asking no facet, in words mostly not the topic's own
            "小区加装电梯以后，我家住六楼，每天上下方便多了，就是楼道里的声控灯老是不亮，"
            "是换灯泡还是换开关",
            "elevator_retrofit",
        ),
        (  # 咋练 asks how to do something, not how to apply
            "我闺女在公办托育园上托班，老师说她吃饭太慢，在家咋练她自己拿勺子",
            "childcare_subsidy",
        ),
    ],
)
def test_a_story_about_a_topic_asking_about_something_else_is_not_answered(
    engine: Engine, story: str, topic: str
) -> None:
    # the topic is only the story's background; what is asked is nothing any topic speaks of
    answer = engine.ask(story)
    assert answer.decision is not Decision.ANSWER
    assert topic in [o.id for o in (*answer.related, *answer.candidates)]  # one tap away
    # the same story asking about the topic itself is answered
    asked = engine.ask("城中村改造俺家分到了安置房，俺弟弟家也在城中村，他家的安置房一般要等多久")
    assert (asked.intent, asked.facet) == ("housing_security", "duration")
    # … and so is a story asking how the policy goes, or how far it has got
    for story, asked_topic in (
        (
            "前几年听说俺们榆社要搞延迟退休，俺是七三年的女工，在厂里干了二十年了，俺这岁数是怎么个退法",
            "pension_insurance",
        ),
        (
            "俺老伴腿不好，去年听社区说有适老化改造，能给装扶手，俺想问问全市现在进度怎么样了",
            "aging_retrofit",
        ),
    ):
        assert engine.ask(story).intent == asked_topic


def test_a_topic_named_only_as_who_asks_keeps_the_chat_on_its_topic(engine: Engine) -> None:
    # after 适老化改造, 低保户 says who might qualify for it, not that 低保 is now asked about
    for question in ("只有低保户才能改吗", "俺家不是低保户 行不行", "俺爸八十了 是低保户"):
        answer = engine.ask(question, context="aging_retrofit")
        assert (answer.intent, answer.facet) == ("aging_retrofit", "eligibility")
    # a question about the people on 低保 themselves is about 低保
    for question in ("低保户每个月几号到账", "咱们县吃低保的多不多"):
        assert engine.ask(question, context="free_kindergarten_fees").intent == "dibao"


def test_a_short_reply_as_much_the_chats_topic_as_another_stays_on_it(engine: Engine) -> None:
    # 我家仨孩子呢 after 长幼同园 is not a question about 育儿补贴, whose examples it also echoes
    answer = engine.ask("我家仨孩子呢", context="sibling_kindergarten")
    assert answer.intent == "sibling_kindergarten"
    assert engine.ask("钱是打到哪张卡", context="dibao").intent == "dibao"
    # … while a reply naming another topic moves to it
    assert engine.ask("那高龄津贴咋领", context="sibling_kindergarten").intent == "senior_allowance"


def test_without_context_a_bare_follow_up_is_not_answered(engine: Engine) -> None:
    assert engine.ask("那要带什么材料？").decision is not Decision.ANSWER


@pytest.mark.parametrize(
    "question",
    [
        "我不想活了",
        "活不下去了怎么办",
        "我老公又打我了",
        "救命",
        "活着真没意思，撑不下去了",
        "他喝多了又打俺",
        "我爸突然晕过去了叫不醒",
        "老伴在厕所摔倒了 叫不硬 快",  # 醒 mistyped as 硬
        "厨房里闻到煤气味儿",
        "我爷爷倒在院子里，喊他也没反应",
        "对门那人拎着菜刀在楼道里转",
        "孙子出去玩到天黑了还没回来，到处找不到",
        "插座冒火星了",
        "这日子没盼头，药都准备好了",
        "gas smell 楼道里特别冲",
        "孩子放学到现在还没回来，学校也说不知道",
        "娃在集上一转眼不见了",
        "院里两家人动刀子了",
        "媳妇羊水破了，村里叫不上车",
        "屋里生着炉子，俺爷爷头晕还吐了",
        "快来人 隔壁大爷把农药喝了 在地上抽",
        "老汉从炕上摔下来头上流血了",
        "屋里一股煤烟味 人头晕",
        "我男人喝醉了又动手了",
        "老人吃了耗子药",
        "我家孩子把药当糖吃了",
        "我在河边 不想回去了",
        "儿子把我锁屋里不给饭吃",
        "老伴昏过去了",
        "俺老汉又喝多了拿板凳砸俺",
        "俺娘从早上就叫不起来 身上冰凉",
        "炉子捂着 一家人都头疼恶心",
        "宝宝吞了一颗纽扣电池",
        "婆婆在院里摔了一跤 起不来了",
        "救救我",
    ],
)
def test_danger_gets_110_and_120_before_anything_else(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.decision is Decision.URGENT
    assert "110" in answer.text and "120" in answer.text


def test_danger_wins_even_inside_a_topic_question(engine: Engine) -> None:
    assert engine.ask("低保申请不下来我真的想死").decision is Decision.URGENT


@pytest.mark.parametrize(
    "question",
    [
        "娃的户口本找不着了 娃也找不着了",
        "孩子找不到了 到处找不到",
        "老公打我手机都摔了",
        "他打我电话都摔了",
        "汾河边有个娃掉冰窟窿里了 快来人啊",  # someone in the water, a call for help
        "楼下有人拿着砍刀打架 都见血了",
    ],
)
def test_danger_is_seen_beside_an_everyday_phrase(engine: Engine, question: str) -> None:
    assert engine.ask(question).decision is Decision.URGENT


@pytest.mark.parametrize(
    "question",
    [
        "燃气表没气了咋充值",
        "出车祸了对方全责误工费咋算",
        "钥匙锁在屋里了找谁开锁",
        "物业电话老是找不到人",
        "中风以后半边身子不灵活，能申请康复吗",
        "电脑中毒了 文件都打不开",  # a virus, not poison
        "户口本找不着了 娃上学要用咋补",  # a lost document, not a lost child
        "五十多了到处找不到工作 有啥门路",
        "房贷压得俺喘不过气",
        "我拄拐走路好几年了，低保能申请不",  # 拄拐 走路, not 拐走
    ],
)
def test_everyday_words_near_danger_are_not_emergencies(engine: Engine, question: str) -> None:
    assert engine.ask(question).decision is not Decision.URGENT


@pytest.mark.parametrize(
    "question",
    [
        "能不能把收入少写点，好批低保",
        "老人走了先不销户，高龄津贴还能接着领吧",
        "帮我开个假的出生证明领育儿补贴",
        "老人没了还接着领高龄津贴，没人查吧",  # 没了*接着领: a few characters between
        "别整那些官话 你就说低保审核找谁送点东西能快点过",  # a bribe is no quicker way
    ],
)
def test_help_with_fraud_is_refused_kindly(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert (answer.decision, answer.reason) == (Decision.DECLINE, "refused")
    assert "如实" in answer.text and "12345" in answer.text


def test_asking_whether_twins_get_a_share_each_is_not_taken_for_fraud(engine: Engine) -> None:
    answer = engine.ask("俩孩子是双胞胎 育儿补贴是不是能领两份")
    assert (answer.decision, answer.intent) == (Decision.ANSWER, "childcare_subsidy")


def test_applying_for_home_retrofitting_through_an_app_is_still_the_retrofit(
    engine: Engine,
) -> None:
    assert engine.ask("适老化改造能在app上申请吗").intent == "aging_retrofit"


@pytest.mark.parametrize(
    "question",
    [
        "加装电梯以后 电梯维保找哪家公司",
        # the story names the topic, the question (上户口) rules it out
        "孩子刚生下来想领育儿补贴，是不是得先上户口，上户口都要啥材料",
    ],
)
def test_a_part_of_a_message_does_not_escape_words_meaning_another_matter(
    engine: Engine, question: str
) -> None:
    assert engine.ask(question).decision is not Decision.ANSWER


@pytest.mark.parametrize(
    ("message", "kind_word"),
    [
        ("你好", "您好"),
        ("晚上好", "您好"),
        ("谢谢你", "不客气"),
        ("你是谁", "晋中民生问答"),
        ("再见", "再见"),
        ("那就这样吧 再见", "再见"),
        ("家人们 这个AI能问啥", "晋中民生问答"),
        ("中 中 知道了 麻烦你了", "不客气"),
        ("谢谢您这么耐心", "不客气"),
        ("谢谢，回复很及时", "不客气"),
        # thanks beside words that ask nothing and name no topic
        ("今天可真冷 谢了啊", "不客气"),
        ("多谢 我回头再来", "不客气"),
        # what the bot answers, asked among other words
        ("您好，我是平遥的社区干部，想问问你能回答哪些事", "晋中民生问答"),
        ("谢谢您的耐心解答，祝您工作顺利", "不客气"),
        ("好的 我先开车了", "再见"),
        ("跟你说声谢谢 你讲得清楚", "不客气"),
        ("在么", "您好"),
        ("太感谢了", "不客气"),
        ("你是人工智能吗", "晋中民生问答"),
        ("好的收到了，多谢多谢", "不客气"),
        ("行 知道了 没啥事了", "再见"),
        ("谢谢闺女 说得真清楚", "不客气"),
        ("你都管些啥", "晋中民生问答"),
        ("晚上好 还在线不", "您好"),
        # a bare opening that the matcher would otherwise read as a topic's example
        ("我想问个事儿", "您好"),
        ("有没有人工", "晋中民生问答"),
        ("喂 有人么", "您好"),
        ("新年快乐", "您好"),
        ("下次再聊", "再见"),
        # about the bot itself, and praise, in residents' own words
        ("你是男的还是女的", "晋中民生问答"),
        ("你24小时都在吗", "晋中民生问答"),
        ("小助手你好啊 我孙子教我用的这个", "您好"),
        ("给你点个赞", "不客气"),
        ("收到了 我转给我妈", "不客气"),
        ("放心了", "不客气"),  # not 放心午餐
        ("原来是这样啊", "不客气"),
        ("上班去了 回聊", "再见"),
        ("你是不是ai", "晋中民生问答"),
    ],
)
def test_smalltalk(engine: Engine, message: str, kind_word: str) -> None:
    answer = engine.ask(message)
    assert answer.decision is Decision.SMALLTALK
    assert kind_word in answer.text


def test_thanks_beside_another_matter_is_not_smalltalk(engine: Engine) -> None:
    assert engine.ask("谢了 社保卡丢了").decision is Decision.DECLINE


@pytest.mark.parametrize(
    ("context", "message", "kind_word"),
    [
        # a thanks opening a reply that asks nothing ends the exchange, though its other words
        # lean to the topic just answered
        ("warm_station", "谢谢啊 回头跑单路过去看看", "不客气"),
        ("senior_allowance", "行 那俺先去村里问问", "再见"),
        ("dibao", "行 明白咧", "不客气"),
        # an acknowledgement, then what the resident will do next
        ("childcare_subsidy", "好嘞 等孩子妈下班我俩一起在手机上弄", "不客气"),
        ("senior_allowance", "晓得了 明天去社区把表领回来", "不客气"),
        ("elevator_retrofit", "懂了 我去跟楼长说一声 先让大家签字", "不客气"),
    ],
)
def test_closing_a_chat_is_smalltalk(
    engine: Engine, context: str, message: str, kind_word: str
) -> None:
    answer = engine.ask(message, context=context)
    assert answer.decision is Decision.SMALLTALK
    assert kind_word in answer.text


def test_thanks_with_a_follow_up_question_answers_it(engine: Engine) -> None:
    answer = engine.ask("谢谢 那要带啥", context="dibao")
    assert (answer.decision, answer.intent, answer.facet) == (Decision.ANSWER, "dibao", "materials")
    # an acknowledgement before a question is no closing: the question is answered
    for message, facet in [("好 明天去要带啥", "materials"), ("得本人去?", "how_to_apply")]:
        answer = engine.ask(message, context="sibling_kindergarten")
        assert (answer.decision, answer.facet) == (Decision.ANSWER, facet)


def test_greeting_with_a_question_answers_the_question(engine: Engine) -> None:
    answer = engine.ask("你好，请问低保怎么申请")
    assert (answer.decision, answer.intent) == (Decision.ANSWER, "dibao")


def test_county_facts_lead_when_the_county_is_named(engine: Engine) -> None:
    answer = engine.ask("祁县有托育机构吗", context=None)
    assert answer.intent == "childcare_subsidy"
    assert answer.county == "祁县"


def test_clarify_offers_the_close_topics(engine: Engine) -> None:
    answer = engine.ask("补贴怎么申请")
    assert answer.decision in (Decision.CLARIFY, Decision.DECLINE)
    if answer.decision is Decision.CLARIFY:
        assert 2 <= len(answer.candidates) <= 3


def test_a_bare_question_clause_does_not_pick_the_topic_of_a_long_message(engine: Engine) -> None:
    story = (
        "俺们是寿阳的，家里老二四岁老三两岁半，老二在镇上公办园读中班，"
        "老三明年也要上幼儿园了，俺想让俩娃在一个园里，接送方便些，"
        "这个要找谁？具体怎么申请？"
    )
    answer = engine.ask(story)
    assert (answer.decision, answer.intent) == (Decision.ANSWER, "sibling_kindergarten")
    assert engine.ask("具体怎么申请？").decision is not Decision.ANSWER


@pytest.mark.parametrize(
    "story",
    [
        "俺和老伴都不会弄手机，儿子在外地打工也教不了俺们，家里燃气卡快没钱了，去哪能充",
        "俺老伴退休了闲不住想学游泳，县里那个游泳馆人多不多，水干净不，游一次多少钱",
    ],
)
def test_a_short_clause_echoing_an_example_does_not_answer_a_long_message(
    engine: Engine, story: str
) -> None:
    # 去哪能充 and 游一次多少钱 each echo some topic's example; the message is about neither
    assert engine.ask(story).decision is Decision.DECLINE


@pytest.mark.parametrize(
    "question",
    [
        "俺家是低保户，想装个宽带，哪家便宜",  # 宽带
        "在养老驿站门口把腿摔了，能起诉他们不",  # 起诉
        "低保户，住院的医保报销比例是多少",  # the topic says who asks; the question is 医保
        "俺爹住在养老院，他的医保卡在院里能刷不",  # 医保卡*刷: a few characters between
        "城管给开了罚单，能复议吗",  # the part that asks names no topic
        "俺家领着低保 村里有人说俺家装穷 这算不算造谣",  # 造谣: a dispute, not the topic
        "托育园的老师说娃老夜醒 晚上咋哄才能睡整觉",  # 夜醒: child rearing
        "装电梯那阵子 施工队的包工头把工人工钱卷跑了",  # 包工头: a builder's dispute
        "高龄津贴到账那天 手机上来了个中奖了的短信 点不点",  # 中奖了: a scam
        "孩子正领着育儿补贴呢 带她坐高铁要不要买票",  # 正…呢 tells, only 要不要 asks
        "低保户家里的猫跑丢了咋整",  # a pet
        "加装电梯以后每年维保费谁掏",  # upkeep, not the retrofit
        "适老化改造装的扶手松了 用几毫米的钻头",  # a repair done oneself
        "电饭锅最低保修期是几年",  # 最低保修 is not 低保
        "厂房成了危房 工人还能进去干活不",  # a factory, not a rural home
        "领着高龄津贴的老爷子 想问个不相干的 他那台老式收录机哪能修",  # says so itself
        "低保的事回头再说 今天想问俺家那只八哥咋教说话",
        "寄个手机最低保价多少",  # 最低保价 is not 低保
        "银行app的适老化版本在哪切换",  # an app's, not a home's
        "建行门口那个助农服务点的机器能取钱不",  # a bank's service point
        "家政进社区请的阿姨干了一年 过年给她包红包给多少",  # 包红包: custom, not the service
        "在社保服务点排队把老花镜坐碎了 哪里配得快",  # 老花镜: an errand
        "幸福小院的监控能不能让子女在手机上看",  # 监控: the premises, not the service
        "暖新驿站的管理员一个月挣多少",  # the staff's pay
        "加装电梯选日立的还是三菱的",  # a brand
        "驿站几点关门 老是取不上件",  # a parcel station, not the 暖新驿站
        "养老驿站招不招做饭的 我会蒸馍",  # a job there
        "俺们是做扶手的 想把货卖给搞适老化改造的",  # selling to it
        "高龄产妇生二胎 国家给补贴不",  # 高龄 of a mother, not of the old
        "专家下沉来的那个主任是哪个大学毕业的",  # a doctor's schooling
        "全省一共建了多少个幸福小院",  # the province's total, not 晋中's
        "全国企业退休的人平均一个月领多少养老金",  # the country's average
        "孙女要画手抄报 主题是暖新驿站 帮找几张图",  # homework
        "养老院的护工上不上夜班",  # the staff's shifts
        "俺们村要拆了 是真的不",  # demolition of one's village
        "暖新驿站的热水器坏了 一直不热",  # the premises
        "社区食堂的菜太咸了 俺娘吃不了",  # the cooking
        "楼上半夜跳绳 城管进社区管不管",  # neighbours' noise is not theirs
        "想投资个养老驿站 前景咋样",  # a business plan
        "在社区食堂吃出个虫子 要不要发抖音曝光",  # a complaint to the public
        "幸福小院过年要贴对联 帮我编一副",  # writing for them
    ],
)
def test_a_topic_named_beside_another_matter_is_not_answered(engine: Engine, question: str) -> None:
    assert engine.ask(question).decision is Decision.DECLINE


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("低保要准备什么材料？另外考驾照去哪个驾校好", "dibao"),
        # 是不是 and 问下 ask as plainly as 吗 does
        ("大班保教费是不是全免了 另外明天限行尾号是几", "free_kindergarten_fees"),
        ("问下长幼同园的条件 顺便问问今天限号不", "sibling_kindergarten"),
        ("育儿补贴谁能领 对了小区停车费谁定的", "childcare_subsidy"),  # 谁 asks too
        ("老楼加装电梯得几户同意 另外明天限行尾号是几", "elevator_retrofit"),
        # a word ruling the topic out (门禁卡) sits in the other question, not in this one's story
        ("电梯门禁卡丢了去哪补办？另外老楼加装电梯要几户同意", "elevator_retrofit"),
        ("两个事 1长幼同园咋报名 2小区停车费谁收", "sibling_kindergarten"),  # numbered
        # 对吧, V了没 and A-not-A end a question too
        ("高龄津贴八十岁就能领对吧 另外孩子打疫苗去哪", "senior_allowance"),
        ("孩子疫苗本丢了咋补 长幼同园报上了没", "sibling_kindergarten"),
        ("加装电梯要几户签字？再就是医保卡丢了补不补", "elevator_retrofit"),
        # the word ruling the topic out (修自行车) is the announced second question's
        ("城管咋反映占道的事？另外问下哪修自行车", "urban_management"),
        ("低保咋申请？另外问个别的 明天下不下雪", "dibao"),  # 问个别的 comes after it
    ],
)
def test_a_second_question_about_another_matter_leaves_the_first_answered(
    engine: Engine, question: str, intent: str
) -> None:
    answer = engine.ask(question)
    assert (answer.decision, answer.intent) == (Decision.ANSWER, intent)


def test_a_topic_named_once_in_a_long_unpunctuated_message_is_answered(engine: Engine) -> None:
    # voice input: one long run of words, in which the topic's name is a small share
    voice = (
        "那个我想问一下就是我家二宝今年三月份生的然后听我们单位同事说"
        "国家现在有育儿补贴我们这种情况要去哪里申请呀我们是榆次的"
    )
    answer = engine.ask(voice)
    assert (answer.decision, answer.intent) == (Decision.ANSWER, "childcare_subsidy")


def test_the_answerable_half_of_a_mixed_message_is_answered(engine: Engine) -> None:
    answer = engine.ask("低保咋申请？还有驾照到期了去哪换")
    assert (answer.decision, answer.intent) == (Decision.ANSWER, "dibao")
    spaced = engine.ask("育儿补贴一年给多少 另外晋中有啥好吃的")  # a space for a comma
    assert (spaced.decision, spaced.intent) == (Decision.ANSWER, "childcare_subsidy")
    # 请问 opening a part asks together with what it asks (条件), not on its own
    opened = engine.ask("请问公租房的申请条件，另外驾照到期去哪换")
    assert (opened.intent, opened.facet) == ("housing_security", "eligibility")


def test_a_polite_opening_does_not_make_the_story_the_question(engine: Engine) -> None:
    # 您好，请问 + what the question is about, then the question: about another matter here
    answer = engine.ask("您好，请问领了高龄津贴以后，给老人买啥补品好？谢谢")
    assert answer.decision is Decision.DECLINE


@pytest.mark.parametrize(
    ("question", "not_topic"),
    [
        ("商业养老保险到底值不值得买", "pension_insurance"),
        ("请的月嫂多少钱一个月", "childcare_subsidy"),
        ("家政公司的人偷东西了咋整", "home_services"),
        ("俺们单元的电梯坏了三天没人修", "elevator_retrofit"),
        ("娃上二年级，课后托管一个月多少钱", "childcare_subsidy"),
        ("老板拖欠工资三个月了咋办", "employment_support"),
        ("城管把俺的三轮车拉走了", "urban_management"),
        ("想开家加装电梯的安装公司，得有啥资质", "elevator_retrofit"),
        ("给领高龄津贴的老爷子买点啥补品好", "senior_allowance"),
    ],
)
def test_words_meaning_another_matter_keep_a_question_off_the_topic(
    engine: Engine, question: str, not_topic: str
) -> None:
    assert engine.ask(question).intent != not_topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("我妈八十多了腿脚不好，住老小区五楼，天天爬楼太难了", "elevator_retrofit"),
        ("家里没收入，每个月能领点生活费不", "dibao"),
        ("环卫工冬天有没有能取暖歇歇的地方", "warm_station"),
        ("姐姐在县幼儿园上中班，弟弟明年能跟着进一个园不", "sibling_kindergarten"),
        ("想在路口支个摊卖煎饼，该找谁打招呼", "urban_management"),  # few words echo examples
        ("二楼那户死活不签字，咱这电梯还能装成不", "elevator_retrofit"),
        # what residents unsure of a policy's name call it
        ("给困难户的那个钱得咋申请", "dibao"),
        ("俺娘瘫在炕上好几年了 那个失能的钱能领不", "senior_allowance"),
        ("那个育儿钱啥时候发", "childcare_subsidy"),
        ("给老人家改造的事找谁", "aging_retrofit"),
        ("姐弟一个园的事咋弄", "sibling_kindergarten"),
        ("中班也免吗", "free_kindergarten_fees"),
        ("执法的那些人进小区办公了 咋找", "urban_management"),
        ("住六楼的老人想让楼里添一部梯子 钱咋摊", "elevator_retrofit"),
        ("村里让老人们一起吃饭的那种院子咋去", "elderly_care"),
        ("俺家那孔窑裂了缝 能给改不", "rural_housing_renovation"),
        ("住一楼用不上电梯 凭啥也要出钱", "elevator_retrofit"),
        ("社区医生能定期上门给老人量血压不", "healthcare"),
        ("想在手机上约人上门给卧床的老人擦身", "home_services"),
        ("那个长寿钱多大岁数能领", "senior_allowance"),
        ("俩闺女 想把小闺女安排进大闺女在念的公办园", "sibling_kindergarten"),
        # where to look up one's contributions is the service points' topic, not the pension's
        ("村委会那台机器能查俺交了几年养老保险不", "employment_social_security_points"),
        ("社保点能给查查养老保险缴费不", "employment_social_security_points"),
        ("想在家门口查养老保险交上没有", "employment_social_security_points"),
        ("去服务点能查俺交了几年养老保险不", "employment_social_security_points"),
        ("想查查俺妈的养老保险交了几年 去哪查", "employment_social_security_points"),
        ("养老保险交没交上 在哪能查", "employment_social_security_points"),
        ("城乡居民养老保险得交几年才能领", "pension_insurance"),  # the rule, not one's record
        ("养个孩子国家一年给多少", "childcare_subsidy"),
        ("俺爹九十了 那个高龄钱在哪领", "senior_allowance"),
        ("学个电焊要掏钱不", "employment_support"),
        ("想在村里寻个营生 去哪登记", "employment_social_security_points"),  # 寻 is 找
        ("社区医生能跟俺签个协议管慢病不", "healthcare"),
        ("孩子3岁一下国家给钱不", "childcare_subsidy"),  # 一下 typed for 以下
        ("俺娘九十二了 那个老年人的钱在哪领", "senior_allowance"),
        ("窑洞墙皮老掉渣 政府给修不", "rural_housing_renovation"),
        ("国家按月给没收入的人家补点钱 那个咋办", "dibao"),
        ("按孩子人头发给家长的那个钱 咋领", "childcare_subsidy"),
        ("俺们单元想装个不用走楼梯的 得多少钱", "elevator_retrofit"),
        ("俺家老汉蹲不下去 厕所里能给安个扶的不", "aging_retrofit"),
        ("想给瘫在床上的老伴找个人来擦擦身子 社区有这服务不", "home_services"),
        ("俺们这破楼啥时候能轮上改造", "housing_security"),
        ("村里那个能办保险的地方 要带啥", "employment_social_security_points"),
        # living costs made up month by month, a shop owner's start-up money, day labour
        ("家里困难 政府能按月补贴生活不", "dibao"),
        ("开店的人政府补不补钱", "employment_support"),
        ("哪有揽零活的地方", "employment_support"),
        ("上了岁数不好找活干 政府帮不帮", "employment_support"),
        ("外地来打工的 娃能在这上公办小学不", "education"),
        ("手机上能约人上门给老人擦洗不", "home_services"),
        ("俺们这旧院子啥时候能修管道", "housing_security"),
        ("俺们那片老楼啥时候给换换管道刷刷外墙", "housing_security"),
        ("想学当育婴师，政府组织的培训收钱不", "employment_support"),
        ("给困难家庭的学生发钱上学那个，咋申请", "education"),
        ("医改这几年有啥变化", "healthcare"),
        ("就业困难人员咋认定", "employment_support"),
        ("下单以后一般几天能上门", "home_services"),
        ("咱晋中去年改了多少个老旧小区", "housing_security"),
        # a volunteer asking for a neighbour: 志愿 rules 低保 out only as a college choice (报志愿)
        (
            "我是社区志愿者，楼里有个大姐男人走得早，一个人拉扯孩子，身体也不行，"
            "想帮她问问低保从交申请到批下来得多久",
            "dibao",
        ),
        # a circumstance is not a word ruling the topic out: 坐月子, 单元门口
        ("我是替儿媳妇问的，她还在坐月子出不了门，育儿补贴我能替她去办不", "childcare_subsidy"),
        ("俺们单元门口堆的破沙发半个月了没人认领，城管进社区能给拉走不", "urban_management"),
        ("孩子是唐氏，榆次有专门收这种娃念书的学校没", "education"),
        ("今年榆次初中学位够不够", "education"),
        ("娃上学能不能一次在网上把报名都办完", "education"),
        ("专门收一到三岁小孩、价钱便宜的看护班，太谷有没有", "childcare_subsidy"),
        ("去村里服务点要带户口本不", "employment_social_security_points"),
        ("想学个技能 哪能学 要不要钱", "employment_support"),
        ("干一天结一天的活去哪找", "employment_support"),
        ("找人上门给老人洗澡 社区有这服务没", "home_services"),
        ("俺大孙子在县幼儿园，小孙子也想进那个园，能照顾一下不", "sibling_kindergarten"),
        ("我们楼都签好字了，报上去审批得多久", "elevator_retrofit"),
        ("想看中医调理调理 榆次哪有", "healthcare"),
        ("在县医院拍的片子去市里还用重新拍吗", "healthcare"),
        ("种地的到了六十岁，每个月打到卡上的那点钱咋算的", "pension_insurance"),
        ("俺家老头子腿脚不利索，家里能给装个扶手不", "aging_retrofit"),
        ("大班不收保教费了，私立园也算不", "free_kindergarten_fees"),
        ("楼道外头加个笼子那种电梯 施工得多久", "elevator_retrofit"),
        ("政府每月给的基本生活钱 俺们这种没进项的能领不", "dibao"),
        ("给孩子那钱申请要不要银行卡", "childcare_subsidy"),
        # 生活 is no 活 (a job the government arranges)
        ("男人走了 俺一个人带俩娃 没固定工作 每月政府给的那份生活钱能申请不", "dibao"),
    ],
)
def test_a_topic_described_without_its_name_is_recognised(
    engine: Engine, question: str, topic: str
) -> None:
    answer = engine.ask(question)
    assert (answer.decision, answer.intent) == (Decision.ANSWER, topic)


def test_a_description_spread_over_a_long_message_is_recognised(engine: Engine) -> None:
    answer = engine.ask(
        "我家两个孩子，大的在平遥县幼儿园上中班，小的今年三岁了，"
        "我一个人接送两头跑不过来，想让小的也进大的那个园"
    )
    assert (answer.decision, answer.intent) == (Decision.ANSWER, "sibling_kindergarten")


def test_a_place_elsewhere_that_comes_here_is_not_another_citys_question(engine: Engine) -> None:
    assert engine.ask("北京的专家来咱县里坐诊，咋挂号").intent == "healthcare"
    son_away = engine.ask("儿子在太原打工 我们村里的就业社保服务点能办些啥")
    assert son_away.intent == "employment_social_security_points"  # 我们村 is here
    assert engine.ask("北京的家庭医生怎么签约").decision is Decision.DECLINE
    # where a relative works is the family's story, not the place asked about
    assert engine.ask("闺女在北京上班顾不上我 俺一个人过 低保咋申请").intent == "dibao"
    assert engine.ask("听说太原的专家下来坐诊 在哪挂号").intent == "healthcare"
    there = engine.ask("我在太原打工好几年了 太原的公租房咋申请")  # asked about there too
    assert (there.decision, there.reason) == (Decision.DECLINE, "elsewhere")
    asked_there = ("北京的低保批下来了吗", "北京的小学上学要啥材料", "想回老家太原申请低保 咋弄")
    for question in asked_there:  # nobody is there; the question is about there
        assert engine.ask(question).decision is Decision.DECLINE
    # 太原那边 is where the question is, even in a story set here; 山东那边的医院 only says where
    # a child was born, and 晋中这边 sets here against there
    rumour = engine.ask("媳妇在榆次带娃 听说太原那边托育补贴一个月给五百是真的不")
    assert (rumour.decision, rumour.reason) == (Decision.DECLINE, "elsewhere")
    born = engine.ask("孩子在山东那边的医院出生 户口迁回祁县了 育儿补贴还能领不")
    assert born.intent == "childcare_subsidy"
    here = engine.ask("老家河南那边交过农村养老保险 晋中这边外地户口能交城乡居民养老保险不")
    assert here.intent == "pension_insurance"
    neighbour = engine.ask("汾阳的低保在哪申请")  # a county of a neighbouring city
    assert (neighbour.decision, neighbour.reason) == (Decision.DECLINE, "elsewhere")
    # a trip elsewhere in an announced second question leaves the first answered
    assert engine.ask("加装电梯咋申请，还有去太原的大巴几点发车").intent == "elevator_retrofit"
    # a place elsewhere compared with here is asked about too
    for question in ("南京的高龄津贴跟咱这的一样不一样", "深圳的托育补贴比晋中的谁高"):
        compared = engine.ask(question)
        assert (compared.decision, compared.reason) == (Decision.DECLINE, "elsewhere")
    # someone away, and the question about "there" (那边的), is about there
    there = engine.ask("我闺女在西安上班，那边的育儿补贴一年给多少")
    assert (there.decision, there.reason) == (Decision.DECLINE, "elsewhere")
    assert engine.ask("我在太原打工，想问问晋中的育儿补贴一年给多少").intent == "childcare_subsidy"
    # living here and going there to apply is a question about there
    going = engine.ask("俺户口在太谷，能不能去上海申请育儿补贴")
    assert (going.decision, going.reason) == (Decision.DECLINE, "elsewhere")


def test_a_description_beside_words_meaning_another_matter_is_not_the_topic(
    engine: Engine,
) -> None:
    assert engine.ask("老楼电梯坏了，爬楼太累，找谁修").intent != "elevator_retrofit"


def test_the_topic_itself_is_still_answered_beside_its_excluded_words(engine: Engine) -> None:
    assert engine.ask("城乡居民养老保险一个月能领多少").intent == "pension_insurance"
    assert engine.ask("家政进社区咋预约保洁").intent == "home_services"
    # a landlord in a tenant's story does not rule out 公租房; the landlord's own quarrel does
    tenant = engine.ask("我们一家一直租房住，房东又说要涨租，想问问公租房怎么申请")
    assert (tenant.intent, tenant.facet) == ("housing_security", "how_to_apply")
    assert engine.ask("房东不退押金咋办").decision is Decision.DECLINE
    # told apart from what rules it out (特困供养), the topic is still what is asked about
    assert engine.ask("低保是什么，和特困供养有啥区别").intent == "dibao"
    assert engine.ask("特困供养是什么").decision is Decision.DECLINE


def test_a_rival_only_a_stray_example_points_to_does_not_block_the_answer() -> None:
    def result(rival_vote: float) -> MatchResult:
        top = Candidate("sibling_kindergarten", 0.30, "example", "", 0.30, vote=0.28)
        rival = Candidate("employment_support", 0.29, "example", "想上班", 0.29, vote=rival_vote)
        return MatchResult((top, rival), 0.14, "")

    weak, strong = decide(result(0.03), Thresholds()), decide(result(0.2), Thresholds())
    assert (weak.decision, weak.intent_id) == (Decision.ANSWER, "sibling_kindergarten")
    assert strong.decision is not Decision.ANSWER


def test_two_named_topics_answer_one_and_point_to_the_other(engine: Engine) -> None:
    answer = engine.ask("吃低保的人家还能领高龄津贴不")
    assert answer.decision is Decision.ANSWER
    named_topics = {answer.intent, *(option.id for option in answer.related)}
    assert named_topics == {"dibao", "senior_allowance"}
    assert "接着问" in render_plain(answer)


@pytest.mark.parametrize(
    ("question", "asked", "status"),
    [
        ("俺家是低保户，房子是土坯的快塌了，能给改造不", "rural_housing_renovation", "dibao"),
        ("吃低保的人家，闺女上初中能有助学金不", "education", "dibao"),
        ("领着高龄津贴的老人住养老院要多少钱", "elderly_care", "senior_allowance"),
    ],
)
def test_a_topic_named_as_who_asks_gives_way_to_the_topic_asked_about(
    engine: Engine, question: str, asked: str, status: str
) -> None:
    answer = engine.ask(question)
    assert (answer.decision, answer.intent) == (Decision.ANSWER, asked)
    assert [option.id for option in answer.related] == [status]


def test_a_topic_the_resident_says_they_lack_is_not_the_topic_asked_about(engine: Engine) -> None:
    answer = engine.ask("俺六十了也没退休金 儿子不管 像俺这样够不够吃低保的条件")
    assert (answer.decision, answer.intent) == (Decision.ANSWER, "dibao")


def test_a_part_naming_a_topic_only_as_who_asks_does_not_choose_the_topic(engine: Engine) -> None:
    # 也没退休金 tells the couple's case; the money asked about is described after it
    answer = engine.ask("俺们老两口种不了地了 也没退休金 能吃上国家每月发的那份保障钱不")
    assert (answer.decision, answer.intent) == (Decision.ANSWER, "dibao")
    # a domestic worker's own pay is not 家政进社区, a passport not 养老保险
    for question in ("家政阿姨一个月到手多少钱 我也想干", "办护照去哪 带我爸出国玩 他领着养老金呢"):
        assert engine.ask(question).decision is Decision.DECLINE, question


def test_a_part_that_only_asks_whether_it_is_true_does_not_pick_a_topic(engine: Engine) -> None:
    # 真的假的 on its own is not 大班保教费全免 because one example of it ends that way
    answer = engine.ask("网上说吃低保的以后不能坐高铁了 真的假的")
    assert answer.intent is None
    assert "free_kindergarten_fees" not in [o.id for o in answer.candidates]


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("高龄津贴这个名字起得真好听 听着就暖和", "senior_allowance"),
        ("幸福小院隔壁那家装修 吵了一个月了", "elderly_care"),
    ],
)
def test_a_topic_word_in_a_message_about_something_else_is_not_answered(
    engine: Engine, message: str, topic: str
) -> None:
    # nothing asked of the topic, and hardly any of the rest in its examples' words
    answer = engine.ask(message)
    assert answer.decision is Decision.DECLINE
    assert [option.id for option in answer.related] == [topic]  # one tap away if it was meant


def test_how_to_do_something_else_is_not_a_facet_of_the_topic(engine: Engine) -> None:
    # 咋 alone asks how something comes about, not how to apply: the topic is only offered
    answer = engine.ask("家政进社区那个阿姨咋老是迟到 说好九点来十点才到")
    assert answer.decision is not Decision.ANSWER
    # nor does 能…不 alone ask whether one qualifies
    refund = engine.ask("暖新驿站的充电柜昨天扣了我五块钱 扣多了能退不")
    assert refund.decision is not Decision.ANSWER
    # … while 咋领 / 怎么签 ask how to apply, however the rest is worded
    assert engine.ask("育儿补贴到底咋领啊 网上说的五花八门").intent == "childcare_subsidy"


def test_a_long_question_without_a_facet_word_is_still_answered_when_about_the_topic(
    engine: Engine,
) -> None:
    # pinyin, two topics, two questions and the topic's own wording are read as before
    assert engine.ask("jiuye shebao fuwudian neng ban sha").intent == (
        "employment_social_security_points"
    )
    assert engine.ask("托育补贴跟大班免保教费 两样能一块儿领不").decision is Decision.ANSWER
    assert engine.ask("俺们是八几年盖的老楼 六层没电梯 能加装不").intent == "elevator_retrofit"


def test_where_and_when_a_question_is_set_do_not_turn_it_away(engine: Engine) -> None:
    # 晋中今年 beside a question that shares only its frame with an out-of-scope one
    answer = engine.ask("晋中今年低保标准一个月多少钱")
    assert (answer.decision, answer.intent, answer.facet) == (Decision.ANSWER, "dibao", "amount")


def test_several_questions_answer_the_first_and_point_to_the_next(engine: Engine) -> None:
    answer = engine.ask("长幼同园去哪报名？另外育儿补贴一年多少钱？")
    assert answer.intent == "sibling_kindergarten"
    assert [option.id for option in answer.related] == ["childcare_subsidy"]


@pytest.mark.parametrize(
    "question",
    ["俺手机13812345678，低保咋申请", "低保怎么申请 12345", "低保咋申请，邮箱abc@qq.com"],
)
def test_a_phone_number_or_email_does_not_hide_the_question(engine: Engine, question: str) -> None:
    assert engine.ask(question).intent == "dibao"


def test_a_short_follow_up_is_not_taken_for_a_greeting(engine: Engine) -> None:
    answer = engine.ask("在哪", context="dibao")
    assert (answer.decision, answer.intent, answer.facet) == (Decision.ANSWER, "dibao", "where")
    # thanks and greetings only in their own sense: 不耐心 is no thanks, 早点 no greeting
    for message in ("不耐心", "早点办"):
        assert engine.ask(message).decision is not Decision.SMALLTALK


@pytest.mark.parametrize(
    ("question", "context"),
    [("低宝得带啥材料", "aging_retrofit"), ("地保都要啥证明", "elevator_retrofit")],
)
def test_a_topic_named_by_a_sound_alike_typo_is_not_taken_for_a_follow_up(
    engine: Engine, question: str, context: str
) -> None:
    answer = engine.ask(question, context=context)
    assert (answer.intent, answer.facet) == ("dibao", "materials")


@pytest.mark.parametrize(
    "question",
    [
        "你觉得高龄津贴发得公不公平",
        "养老驿站这事你怎么看",
        "你个机器人又不用养老，懂啥养老驿站，哈哈哈",
        "育儿补贴以后会不会扩大到六岁",
        "养老驿站的老人们要排个节目 有啥好听的歌推荐几首",
        "我申请的租赁补贴咋到现在还没到账",
        "我妈退休十年了每月养老金三千 帮忙算算涨了以后是多少",
        "你帮我查查我爸在养老驿站这个月交了多少钱",
        "你觉得技能培训那个电工班的老师手艺怎么样，跟着能学会不",  # 怎么样 is not how to apply
        "我低保报上去俩月了还没动静 咋回事",
        "大班不收保教费了，我在园门口卖文具要不要改卖玩具，你给个建议",
        "城管进社区清完垃圾就没影了 我去哪投诉",
        "村里有户人家开着小轿车还吃低保，我想举报，你说我该打哪个电话",
        "我申请的适老化改造都俩月了咋还没人来 帮我看看到哪一步了",
        "育儿补贴申请了两个多月还没到账 咋回事",
        "俺爷今年九十了 高龄津贴咋三个月没打了",
        "查低保进度",
        "把俺的养老保险缴费记录调出来",
        "婆婆的高龄津贴卡在她闺女手里 能不能改成打到俺这张卡上",
        "对俺们工人来说延迟退休到底是好是坏",
        "我的育儿补贴显示已发放 可卡里没看见钱",
        "家政公司抽走三成 这黑不黑呀",
        "明年低保标准能涨多少",  # a prediction
        "给我写一份低保申请书 写得可怜点",
        "为啥俺们的育儿补贴只到了一千八 少了一半",
        "我家的高龄津贴审核了没",  # whether one's own application has passed or arrived
        "育儿补贴的表交了 你们收到没有",
        "俺们楼加装电梯的补助拨下来没",
        "低保卡上这个月咋没有",
    ],
)
def test_a_view_a_sum_to_work_out_or_ones_own_case_is_declined(
    engine: Engine, question: str
) -> None:
    answer = engine.ask(question)
    assert answer.decision is Decision.DECLINE and "12345" in answer.text


def test_an_opinion_word_beside_a_real_question_still_gets_the_answer(engine: Engine) -> None:
    answer = engine.ask("你觉得俺家能申请低保不")
    assert (answer.intent, answer.facet) == ("dibao", "eligibility")
    applying = engine.ask("你说长幼同园怎么申请")
    assert (applying.intent, applying.facet) == ("sibling_kindergarten", "how_to_apply")
    # in a chat, a view asked of one's own case is a judgement; 你说 opening a question is not
    judged = engine.ask("那你说我家老三能不能进", context="sibling_kindergarten")
    assert judged.decision is Decision.DECLINE
    asked = engine.ask("你说要带啥材料", context="dibao")
    assert (asked.intent, asked.facet) == ("dibao", "materials")


@pytest.mark.parametrize(
    ("question", "topic", "facet"),
    [
        ("我要告诉你俺家的情况，老伴瘫了，俺想申请低保", "dibao", "how_to_apply"),  # 告诉, not 告
        ("低保卡在哪领", "dibao", "where"),  # 卡 在哪, not 卡在哪一步
        ("俺家低保批没批 一般要多久", "dibao", "duration"),
        ("乡里干部收了好处 危房改造一户补多少钱", "rural_housing_renovation", "amount"),
        ("公租房要带啥材料 还有你能帮我查个快递不", "housing_security", "materials"),
        # asked to look up the policy itself, nothing of one's own
        ("你帮我查查低保怎么申请", "dibao", "how_to_apply"),
        ("帮我问问长幼同园怎么办", "sibling_kindergarten", "how_to_apply"),
    ],
)
def test_a_personal_case_or_complaint_that_also_asks_about_the_policy_is_answered(
    engine: Engine, question: str, topic: str, facet: str
) -> None:
    answer = engine.ask(question)
    assert (answer.intent, answer.facet) == (topic, facet)


def test_asking_what_a_place_can_look_up_for_residents_is_not_a_personal_case(
    engine: Engine,
) -> None:
    answer = engine.ask("社区的就业社保服务点能不能帮我把缴费年限查清楚")
    assert answer.intent == "employment_social_security_points"
    assert engine.ask("帮我把缴费年限查清楚").decision is Decision.DECLINE  # asked of the bot


def test_only_the_question_after_i_really_want_to_ask_counts(engine: Engine) -> None:
    turned = engine.ask("适老化改造我了解过了，我想问的是给老人买智能手机有没有以旧换新的国补")
    assert turned.decision is Decision.DECLINE
    # the topic said before the turn is what a bare question after it is about
    same = engine.ask("低保我了解过了，我想问的是要带啥材料")
    assert (same.intent, same.facet) == ("dibao", "materials")
    # 我说的不是 A，是 B: B is asked
    other = engine.ask("我说的不是养老驿站，是小区楼下的菜鸟驿站，晚上几点关门")
    assert other.decision is Decision.DECLINE


def test_a_circumstance_told_in_a_chat_follows_up_the_topic_just_answered(
    engine: Engine,
) -> None:
    answer = engine.ask("娃一直是他姥姥在带", context="childcare_subsidy")
    assert (answer.decision, answer.intent, answer.facet) == (
        Decision.ANSWER,
        "childcare_subsidy",
        "eligibility",
    )
    assert engine.ask("娃一直是他姥姥在带").decision is Decision.DECLINE  # alone it asks nothing
    # a remark about something else, or thanks, is not taken for one
    remark = engine.ask("邻居家狗天天叫，出门还不拴绳", context="childcare_subsidy")
    assert remark.decision is Decision.DECLINE
    # nor is a complaint told in passing (no question asked, but not a circumstance either)
    grievance = engine.ask("那个大夫一开药就是一大堆 准是拿了回扣", context="healthcare")
    assert grievance.decision is Decision.DECLINE
    assert engine.ask("谢谢啊", context="dibao").decision is Decision.SMALLTALK


def test_an_illness_or_workplace_in_a_long_story_does_not_hide_the_question(
    engine: Engine,
) -> None:
    story = engine.ask(
        "丈夫肝癌晚期在住院，光自费药一个月就一万多，我在纺织厂的工资全填进去都不够，"
        "听说低保审核要入户调查，从交申请到批下来一般要多长时间？"
    )
    assert (story.intent, story.facet) == ("dibao", "duration")
    # … but where the question itself is about the illness, it is another matter
    asked = engine.ask("俺家吃着低保，老伴腰椎疼了好几年，腰椎疼该吃啥药，贴膏药管用不")
    assert asked.decision is Decision.DECLINE
    assert engine.ask("低保户腰椎疼吃啥药").decision is Decision.DECLINE
    # … while a question beside an errand for the bot is still answered
    meal = engine.ask("养老驿站几点开饭？另外帮我查下我的快递到哪了")
    assert (meal.intent, meal.facet) == ("elderly_care", "duration")
    # placing an order is applying for a home service (咋下单 asks about the topic)
    order = engine.ask(
        "我一个人带俩孩子还要上班，腰疼得直不起来，家里乱成一锅粥，听说社区家政能上门打扫，这个咋下单"
    )
    assert (order.intent, order.facet) == ("home_services", "how_to_apply")
    # maternity leave told in the story is the mother's situation, not what she asks about
    leave = engine.ask("孩子八个月了，我产假下个月就休完，榆次有没有公办的托育机构能收")
    assert (leave.intent, leave.facet) == ("childcare_subsidy", "where")
    assert engine.ask("产假一共多少天").decision is Decision.DECLINE
    assert engine.ask("休完产假上班了，母乳冷藏能放几天").decision is Decision.DECLINE
    told = engine.ask("孩子一岁半了，上周刚打完疫苗，托育机构收这么大的孩子吗")
    assert told.intent == "childcare_subsidy"
    assert engine.ask("孩子打疫苗去哪打").decision is Decision.DECLINE
    # a son away who comes home once a year does not make it a question about 深圳
    away = engine.ask("儿子在深圳一年回来一趟，社区家政上门打扫咋下单")
    assert (away.intent, away.facet) == ("home_services", "how_to_apply")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("娃上高中国家给不给资助，家里困难", "education"),  # 高中国家 holds no 中国
        ("俺每回看病都得跑太原，听说专家下沉到县里了，左权有没有", "healthcare"),  # 每回看病
        ("我在新疆当兵，爸妈在榆次，社区家政能上门给他们打扫不", "home_services"),
    ],
)
def test_a_word_meaning_another_matter_is_not_made_of_other_words(
    engine: Engine, question: str, topic: str
) -> None:
    assert engine.ask(question).intent == topic


def test_a_narrowed_word_still_means_another_matter(engine: Engine) -> None:
    assert engine.ask("中国现在有多少百岁老人").decision is Decision.DECLINE
    # 哪个科 of a hospital is another matter; of the education bureau it asks where to go
    assert engine.ask("姥姥老忘事 这种该挂医院哪个科").decision is Decision.DECLINE
    office = engine.ask("昔阳县长幼同园归教育局哪个科管")
    assert (office.intent, office.facet) == ("sibling_kindergarten", "where")


def test_no_word_meaning_another_matter_is_read_across_a_comma(engine: Engine) -> None:
    # 说说话，晚上 holds no 说话晚 (a child's late speech)
    answer = engine.ask("想让我妈白天去日间照料中心待着，有人陪着说说话，晚上再接回来，要办啥手续")
    assert (answer.intent, answer.facet) == ("elderly_care", "how_to_apply")


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("危改补助", "rural_housing_renovation"),
        ("一个上中班一个要上小班，想送一块儿，去哪儿申请", "sibling_kindergarten"),
        ("帮邻居大妈问问，她家收入太低，想找政府每月给点保底的生活钱", "dibao"),
        ("政府按月给租房的困难家庭发的那笔房租钱，咋申请", "housing_security"),  # not 低保
        ("那个滴保怎么申请 需要去哪里", "dibao"),  # 滴 is a sound-alike, not a filler
        ("晋中今年安了多少电梯了", "elevator_retrofit"),
        ("晋中市学位供给和新建学校情况", "education"),
        ("俺老娘九十咧，兀个高龄的钱咋领嘞", "senior_allowance"),
        ("按月领政府生活保障金的人，家里买了车还能继续领吗", "dibao"),
        ("加装一部电梯大概得花多少钱，政府补多少", "elevator_retrofit"),
        ("安个电梯一户得掏多少", "elevator_retrofit"),
        ("3岁一下的孩子有补帖没有", "childcare_subsidy"),  # 一下 for 以下, and a typo
        # the topic's name and a facet, nothing more: an anchor sharing only the frame (人才补贴
        # 申请要什么条件) does not turn it away
        ("育儿补贴申请要带啥证件", "childcare_subsidy"),
        ("学生资注咋申请", "education"),
        # described, not named: one family's children together, a lift for 那栋楼
        ("和顺县的公办园 有没有搞一家孩子一起上的那个", "sibling_kindergarten"),
        ("上楼太难了 俺们那栋楼想弄个升降的 有啥政策", "elevator_retrofit"),
    ],
)
def test_short_names_residents_use_reach_the_topic(
    engine: Engine, question: str, topic: str
) -> None:
    assert engine.ask(question).intent == topic


def test_another_country_is_another_place_unless_a_relative_is_only_there(engine: Engine) -> None:
    assert engine.ask("日本的育儿补贴一年多少").decision is Decision.DECLINE
    assert engine.ask("瑞典的养老金为什么那么高").decision is Decision.DECLINE
    assert engine.ask("儿子在日本打工 俺家低保咋申请").intent == "dibao"
    assert engine.ask("闺女在国外 老两口低保咋申请").intent == "dibao"


def test_an_unrelated_short_question_is_not_a_follow_up(engine: Engine) -> None:
    assert engine.ask("俺电话，明天会下雨不", context="dibao").decision is Decision.DECLINE
    follow_up = engine.ask("要是俺没户口本咋办", context="dibao")
    assert (follow_up.intent, follow_up.facet) == ("dibao", "materials")


@pytest.mark.parametrize(
    ("reply", "context", "facet"),
    [
        ("城里的标准跟农村一样不", "dibao", "amount"),  # whether two cases are alike
        ("在哪报名 学校还是教育局", "education", "where"),  # a choice between two answers
    ],
)
def test_a_reply_comparing_two_cases_or_choosing_between_two_answers_follows_up(
    engine: Engine, reply: str, context: str, facet: str
) -> None:
    answer = engine.ask(reply, context=context)
    assert (answer.decision, answer.intent, answer.facet) == (Decision.ANSWER, context, facet)


def test_a_choice_naming_another_topic_by_a_typo_is_not_taken_for_a_follow_up(
    engine: Engine,
) -> None:
    answer = engine.ask("低包去哪办呀 乡镇还是村委会", context="aging_retrofit")
    assert (answer.intent, answer.facet) == ("dibao", "where")


@pytest.mark.parametrize(
    ("reply", "context"),
    [
        ("你说的那个学校升学率高不高", "education"),  # a school's results, not school entry
        ("公租房楼上天天吵 咋办", "housing_security"),  # neighbours' noise
    ],
)
def test_a_reply_turning_to_another_matter_is_not_a_follow_up(
    engine: Engine, reply: str, context: str
) -> None:
    assert engine.ask(reply, context=context).decision is Decision.DECLINE


@pytest.mark.parametrize(
    ("question", "context", "facet"),
    [
        ("双胞胎是不是算俩", "childcare_subsidy", "overview"),
        ("鉴定结果几天出来", "rural_housing_renovation", "duration"),
    ],
)
def test_a_short_message_leaning_to_the_topic_just_answered_follows_it_up(
    engine: Engine, question: str, context: str, facet: str
) -> None:
    # no question word, no 那: only its words lean to the topic just answered
    answer = engine.ask(question, context=context)
    assert (answer.decision, answer.intent, answer.facet) == (Decision.ANSWER, context, facet)
    assert engine.ask(question).decision is not Decision.ANSWER  # on its own it says too little
    # a question closer to something the bot does not answer is still declined in a chat
    assert engine.ask("今年啥时候开始供暖", context="education").decision is Decision.DECLINE


@pytest.mark.parametrize(
    "question", ["每年3600那个钱咋领", "娃不到三岁，国家每年给钱不", "child subsidy how to apply"]
)
def test_the_amount_or_age_residents_know_the_subsidy_by_reaches_it(
    engine: Engine, question: str
) -> None:
    assert engine.ask(question).intent == "childcare_subsidy"


def test_a_lone_unsure_topic_is_offered_for_confirmation_not_answered() -> None:
    vague = Candidate("dibao", 0.5, "example", "", 0.5, vote=0.02)
    verdict = decide(MatchResult((vague,), 0.1, ""), Thresholds())
    assert (verdict.decision, verdict.options) == (Decision.CLARIFY, ("dibao",))


def test_a_lone_offer_also_points_elsewhere_in_case_the_question_is_another_matter(
    engine: Engine,
) -> None:
    answer = engine.ask("养老驿站的护工把我爸的手表弄丢了 找谁")
    assert answer.decision is Decision.CLARIFY
    assert [o.id for o in answer.candidates] == ["elderly_care"]
    assert "12345" in answer.text


@pytest.mark.parametrize(
    ("question", "named", "says"),
    [
        # a topic word in a message that asks nothing the topic answers
        ("养老驿站的护工把我爸的手表弄丢了", "elderly_care", "超出了我能回答的范围"),
        ("托班门口卖的棉花糖娃吃了会不会长虫牙", "childcare_subsidy", "超出了我能回答的范围"),
        # a personal case to look up or act on, or a complaint: sent to the office
        ("我的低保批没批 你给我查查", "dibao", "查不到个人"),
        ("给我回个电话 高龄津贴的事", "senior_allowance", "查不到个人"),
        ("乡里管危房改造的干部只给他亲戚家报", "rural_housing_renovation", "查不到个人"),
        ("低保评议时村干部优亲厚友 找谁举报", "dibao", "查不到个人"),  # where to complain
        ("奶奶的高龄津贴发放卡 帮我改成我的名字", "senior_allowance", "查不到个人"),
        ("老母亲还在排危房改造 帮我问问排到哪了", "rural_housing_renovation", "查不到个人"),
        ("我妈的高龄津贴这个月没到账，帮我看看卡里有没有", "senior_allowance", "查不到个人"),
        ("低保一个月才几百 你说这点钱够干啥", "dibao", "超出了我能回答的范围"),
        ("网上找的保姆和社区家政哪个靠得住？你给个准话", "home_services", "超出了我能回答的范围"),
        ("吃低保的人在网上被骂懒汉，你对这种说法怎么看", "dibao", "超出了我能回答的范围"),
        ("延迟退休这个政策，你个人是支持还是反对", "pension_insurance", "超出了我能回答的范围"),
        ("村里有个人明明在外地上着班，每月还领着城乡居民养老金", "pension_insurance", "查不到个人"),
        # advice on one's own life, asked after a story about a topic
        ("做了适老化改造老爷子嫌扶手碍事 你说他是不是犟", "aging_retrofit", "超出了我能回答的范围"),
        ("为长幼同园把别家娃挤走了 有没有这回事", "sibling_kindergarten", "超出了我能回答的范围"),
        ("俩娃长幼同园了 婆婆要接老二走 我该咋办", "sibling_kindergarten", "超出了我能回答的范围"),
        ("网上有人说托育就是花钱买个安心 你同意不", "childcare_subsidy", "超出了我能回答的范围"),
        # a prediction of a cut, a stance asked, a rumour passed round, one's own name on a list,
        # a member of staff's manner
        ("暖新驿站明年会不会就撤了", "warm_station", "超出了我能回答的范围"),
        ("长幼同园这个政策你支持不", "sibling_kindergarten", "超出了我能回答的范围"),
        ("听说高龄津贴要砍成一半 群里都在传", "senior_allowance", "超出了我能回答的范围"),
        ("俺们村危房改造名单出来了 有没有我家", "rural_housing_renovation", "查不到个人"),
        ("俺家危房鉴定结果出来没 帮看看", "rural_housing_renovation", "查不到个人"),
        # one's own case asked about as "what is this", a payment someone kept back
        ("高龄津贴少发了五十 咋回事", "senior_allowance", "查不到个人"),
        ("公租房的补贴是不是让社区给截了", "housing_security", "查不到个人"),
        # a story beside the request: only the parts that ask are read for what is asked
        (
            "加装电梯的材料都交了，就差一楼老王签字，你帮我劝劝他吧，能劝动吗",
            "elevator_retrofit",
            "超出了我能回答的范围",
        ),
        ("育儿补贴的材料都交了，你说孩子八个月还不会爬正常吗", "childcare_subsidy", "超出"),
        # a motive imputed, a grievance, one's own place in a queue
        ("说白了育儿补贴不就是为了让人多生吗", "childcare_subsidy", "超出了我能回答的范围"),
        ("危房改造的施工队活干得太差 找谁说理去", "rural_housing_renovation", "查不到个人"),
        ("公租房申请交了半年 现在排到多少号了", "housing_security", "查不到个人"),
        # something the bot is asked to do for the resident
        ("适老化改造的施工队收了俺二百块 你替我讨回来", "aging_retrofit", "查不到个人"),
        ("加装电梯的事 业主吵了一年 你们马上派人来给解决", "elevator_retrofit", "查不到个人"),
        ("社保服务点的小王态度差 他全名叫啥", "employment_social_security_points", "查不到"),
        # one's own money at a given time, whatever is asked of it
        ("我爸的养老金这个月涨了多少", "pension_insurance", "查不到个人"),
        ("俺家的低保这个季度咋才到一半", "dibao", "查不到个人"),
        ("俺这个月低保咋少了三十", "dibao", "查不到个人"),
        # a closing 凭啥 is a grievance
        ("楼上老王家做了适老化改造 俺家啥也没有 凭啥", "aging_retrofit", "查不到个人"),
        # a rumour of a cut, a clawback or a scandal to confirm; a grievance asked as 凭啥
        ("听说今年要把一半低保户清退 是真的不", "dibao", "超出了我能回答的范围"),
        ("听说加装电梯的补助过了年就停了 真的假的", "elevator_retrofit", "超出了我能回答的范围"),
        ("凭啥他家有楼有车还吃着低保", "dibao", "查不到个人"),
        # how to put something to someone, however many words between 怎么跟 and 说
        ("家政阿姨做完卫生顺手拿了俺家鸡蛋 咋跟她说", "home_services", "超出了我能回答的范围"),
        ("俩娃长幼同园了 老师总拿老大跟老二比 我该怎么跟老师提", "sibling_kindergarten", "超出"),
        # what a policy gives or is for, as the subject of the view asked, is not asked itself
        ("你觉得高龄津贴这个标准够老人花吗", "senior_allowance", "超出了我能回答的范围"),
        ("村里的幸福小院办起来有啥用 你觉得", "elderly_care", "超出了我能回答的范围"),
        # a case's own state or sum asked of the bot, not the policy's usual time or amount
        ("我家育儿补贴申请了 帮我查下批下来了没", "childcare_subsidy", "查不到个人"),
        ("你帮我算算俺爹退休后一个月能领多少 交了十五年", "pension_insurance", "查不到个人"),
        ("俺娘的高龄津贴这个月咋少了五十 帮查查", "senior_allowance", "查不到个人"),
        ("低保评议的干部收了人家好处 去哪反映", "dibao", "查不到个人"),
        # a rumour heard on 抖音 or passed round; which service to pick; a case this month
        ("抖音上说高龄津贴明年就停发了 是不是", "senior_allowance", "超出了我能回答的范围"),
        ("家政进社区跟自己找保姆哪个靠谱 你选一个", "home_services", "超出了我能回答的范围"),
        ("俺的高龄津贴这月咋还没到", "senior_allowance", "查不到个人"),
        ("低保评上半年了 突然给停了 给我个说法", "dibao", "查不到个人"),
        ("帮我插插俺家低保批没批", "dibao", "查不到个人"),  # 插插: 查查 mistyped
        ("听说暖新驿站年底要关门", "warm_station", "超出了我能回答的范围"),  # 听说 + an end
        ("孩子大班保教费交了 说好的退 咋还没退", "free_kindergarten_fees", "查不到个人"),
        ("俺家危房改造的钱咋还没打到卡上", "rural_housing_renovation", "查不到个人"),
        ("你给算算 俺爸交了二十年养老保险 每月能拿多少", "pension_insurance", "查不到个人"),
        ("公办托育和私立的哪个好 你推荐一个", "childcare_subsidy", "超出了我能回答的范围"),
        ("群里说高龄津贴要停发了 吓人", "senior_allowance", "超出了我能回答的范围"),
        ("群里都在说下个月低保要重审 好多人要被刷掉", "dibao", "超出了我能回答的范围"),
        ("查我家低保", "dibao", "查不到个人"),
        # how one's own application or payment stands, asked as 通过没 / 到账了没
        ("帮我瞧瞧俺家长幼同园的申请通过没", "sibling_kindergarten", "查不到个人"),
        ("危房改造补助的钱到账了没 打到哪了", "rural_housing_renovation", "查不到个人"),
        ("社保服务点小李跟村长是亲戚 先给他家办", "employment_social_security_points", "查不到"),
        ("去幸福小院给老人做饭 这活值当干不", "elderly_care", "超出了我能回答的范围"),
        # one's own sum compared with others', money kept back, next year's coverage guessed
        ("我妈的高龄津贴为啥比别人的少", "senior_allowance", "查不到个人"),
        ("俺家的租赁补贴为啥少给了一百", "housing_security", "查不到个人"),  # at any time
        ("我妈的失能补贴为啥不给了", "senior_allowance", "查不到个人"),
        ("这个季度高龄津贴少打了五十", "senior_allowance", "查不到个人"),  # whoever's
        ("你看看卡里进钱没 育儿补贴", "childcare_subsidy", "查不到个人"),
        ("大班免费了 我家的 没免", "free_kindergarten_fees", "查不到个人"),
        ("城管进社区 是不是走形式", "urban_management", "超出了我能回答的范围"),
        ("您给推荐一家榆次最便宜的家政公司", "home_services", "超出了我能回答的范围"),
        ("请问我每月养老金为啥比同事少二百", "pension_insurance", "查不到个人"),
        ("我的公租房资格审核过了没", "housing_security", "查不到个人"),
        # one word a line, as some elderly residents type
        ("高龄\n津贴\n我的\n咋\n还没\n到", "senior_allowance", "查不到个人"),
        ("危房\n改造\n钱\n给了\n村里\n没给\n俺", "rural_housing_renovation", "查不到个人"),
        ("危房改造的补助让村干部给克扣了", "rural_housing_renovation", "查不到个人"),
        ("大班免费了 明年会不会连中班也免", "free_kindergarten_fees", "超出了我能回答的范围"),
    ],
)
def test_a_declined_message_naming_a_topic_points_to_it(
    engine: Engine, question: str, named: str, says: str
) -> None:
    answer = engine.ask(question)
    assert answer.decision is Decision.DECLINE
    assert says in answer.text and "12345" in answer.text
    assert [o.id for o in answer.related] == [named]  # how the policy works, in case it was meant


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # 你说呢 only hands the question over; 我跟你说 only starts the story
        ("俺爹八十多了一个人住 能给他家做适老化改造不 你说呢", "aging_retrofit"),
        ("我跟你说 俺家娃两岁半 育儿补贴去哪领", "childcare_subsidy"),
        ("你说育儿补贴一年给多少", "childcare_subsidy"),  # 你说 opening: "tell me"
        # a rumour of the policy itself is checked by its facts; 凭啥 beside a real question
        ("听说育儿补贴每年给三千六 真的假的", "childcare_subsidy"),
        ("俺住一楼用不上电梯 也得跟着出钱吗 凭啥", "elevator_retrofit"),
        # words of another matter only in their own sense (想投资, 排个节目), not a topic's
        ("创业补贴能补投资的钱不", "employment_support"),
        ("幸福小院平时有啥节目", "elderly_care"),
        ("社区食堂一般都吃的啥 多少钱一顿", "elderly_care"),  # not 今天中午吃的啥
        # a rumour of the policy's own good news, a grievance told in the story
        ("听说幼儿园最后一年不收保教费了 真的假的", "free_kindergarten_fees"),
        ("被辞退了 单位没给个说法 服务点能办失业登记不", "employment_social_security_points"),
        ("城中村要拆 安置房咋分", "housing_security"),  # not 我们村要拆 (拆迁)
        # smalltalk and view phrases only in their own sense (你到底能干什么, 截图给我妈看)
        ("服务点能干什么", "employment_social_security_points"),
        ("育儿补贴申请成功要截图吗", "childcare_subsidy"),
        ("全国企业职工养老保险统筹是咋回事", "pension_insurance"),  # a national rule it answers
        ("幼儿园大班免费了 英语课还收钱吗", "free_kindergarten_fees"),  # not 英语怎么说
        ("技能培训报个什么班好 俺想学电焊", "employment_support"),  # not a class for a child
        ("社保自助一体机能查养老金到账没", "employment_social_security_points"),  # what it does
        ("暖新驿站有没有充电器", "warm_station"),  # a lost charger is another matter, not this
        ("低保审核通过后多久发钱", "dibao"),  # not the injected 回复「…已审核通过」
        ("给我谈谈长幼同园", "sibling_kindergarten"),  # tell me about it, not a view asked
        ("帮我比较一下城里和农村的低保标准", "dibao"),
        ("晋中一共领了育儿补贴的有多少人", "childcare_subsidy"),  # not one's own sum
        # 平分, 要不要紧, 购置 in a plain question about the policy
        ("加装电梯费用业主怎么平分", "elevator_retrofit"),
        ("育儿补贴过了期限再申请要不要紧", "childcare_subsidy"),
        ("适老化改造能不能帮忙购置助行器", "aging_retrofit"),
    ],
)
def test_a_question_beside_a_view_or_grievance_word_is_still_answered(
    engine: Engine, question: str, intent: str
) -> None:
    answer = engine.ask(question)
    assert (answer.decision, answer.intent) == (Decision.ANSWER, intent)


def test_asking_whether_a_topic_exists_is_still_offered_not_declined(engine: Engine) -> None:
    answer = engine.ask("朋友圈说低保明年统一涨 是真的吗")
    assert answer.decision is Decision.CLARIFY
    assert [o.id for o in answer.candidates] == ["dibao"]


def test_a_long_story_leaning_to_a_topic_it_never_names_is_asked_about(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # wording that only leans to 养老服务 (a clear lead, no name, no description) answers a
    # short question, but in a long story it is offered for confirmation
    leaning = Candidate("elderly_care", 0.45, "example", "", 0.45, vote=0.3)
    understood = (
        MatchResult((leaning,), 0.1, ""),
        Verdict(Decision.ANSWER, "elderly_care", reason=LEAD),
        None,
    )
    monkeypatch.setattr(engine, "_understand", lambda *_: understood)
    assert engine.ask("老人白天没人管").decision is Decision.ANSWER
    story = engine.ask("俺爹七十多了一个人住在村里，俺们都在城里上班，周末才回去，心里老是不踏实")
    assert (story.decision, [o.id for o in story.candidates]) == (
        Decision.CLARIFY,
        ["elderly_care"],
    )
    # … unless it asks something the topic does not answer
    other = engine.ask("俺爹七十多了一个人住在村里，俺们都在城里上班，过年回去贴对联有啥讲究")
    assert (other.decision, [o.id for o in other.related]) == (Decision.DECLINE, ["elderly_care"])


def test_the_parts_of_a_long_message_score_together_as_they_do_alone(engine: Engine) -> None:
    parts = [
        engine.normalise(p)
        for p in ("我爸去年做了膝盖手术", "看新闻说老小区可以加装电梯", "低包咋申请", "谢谢")
    ]
    together = engine.matcher.match_all(parts)
    assert together == [engine.matcher.match(p) for p in parts]
    assert together[1].top is not None and together[1].top.intent_id == "elevator_retrofit"
    assert together[2].top is not None and together[2].top.intent_id == "dibao"


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("给俺爹交城乡居民养老保险 一年最少交多少", "pension_insurance"),  # 交城 is a county
        ("俺家长子在外地打工不管家 俺老两口没收入能吃低保不", "dibao"),  # 长子 is a county
        ("要是房子鉴定成危房了 改造的话能补多少钱", "rural_housing_renovation"),  # not fraud
        ("老二能跟老大同园吗 这个小程序挺好用", "sibling_kindergarten"),  # 老大同园: not 大同
        ("我妈一个人在和顺农村 我在太原打工 她想申请低保咋办", "dibao"),  # 和顺 is here
        ("低保标准多少？俺家燃气灶老打不着火", "dibao"),  # 打不着火 is no fire
    ],
)
def test_words_that_only_look_like_another_place_or_fraud_are_answered(
    engine: Engine, question: str, intent: str
) -> None:
    answer = engine.ask(question)
    assert (answer.decision, answer.intent) == (Decision.ANSWER, intent)


def test_asking_for_a_sound_house_to_be_rated_unsafe_is_refused(engine: Engine) -> None:
    assert engine.ask("能不能托人把俺家好好的房子鉴定成危房").reason == "refused"


def test_a_message_with_a_space_between_every_word_is_read_as_one_question(
    engine: Engine,
) -> None:
    spaced = engine.ask("俺老姨  农村的  没儿  没女  七十了  能  吃上  低保  不")
    assert spaced.decision is not Decision.ANSWER or spaced.intent == "dibao"
    assert "dibao" in [o.id for o in spaced.candidates] or spaced.intent == "dibao"
    # spaces between a few longer phrases still separate them
    two = engine.ask("低保咋申请 另外公积金能提不")
    assert (two.decision, two.intent) == (Decision.ANSWER, "dibao")
