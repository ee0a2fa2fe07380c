#!/usr/bin/env python3
"""Write events/demo.jsonl: a demo history of the 2010 创先争优 campaign of the
Party committee of the Gansu Coal Geology Bureau (甘肃煤田地质局), 2010-05 → 2012-11.

Standard library only and deterministic (one fixed random seed for minor
details such as meeting times and head counts), so the file can be regenerated:

    python3 events/make_demo.py

The story (see also the header of demo.jsonl):

* Most units do the prescribed items on time.
* 综合普查队 (ZP) is the lagging unit: it reports its mobilization late
  (back-filled records), is graded `lagging` in the 2010 year-end mass
  evaluation, gets three rectifications (one supervised 挂牌督办).  The
  supervised one is rejected at verification once, reworked and accepted; the
  other one runs past its deadline and is publicly criticised (通报批评) before
  it is closed.  ZP is graded `middle` in 2011 and `advanced` in 2012.
* 地矿公司 (DKGS) never hands in the party-spirit analysis (党性分析报告) and
  does not fulfil its output commitment; it is renamed in 2011.
* 物业管理办公室 (WYB) commits late, leaves a heating commitment unfulfilled
  and has an open supervised rectification and no `mechanism` at the end.
* 一四九队 (149) and 测绘院 (CHY) do some items late.
"""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

OUT = Path(__file__).with_name("demo.jsonl")
CAMPAIGN = "cxzy-2010-gsmd"
CST = timezone(timedelta(hours=8))
rnd = random.Random(20100511)

# --------------------------------------------------------------------------
# The log: records are collected in any order and written sorted by the time
# they were *reported* (`rep`, default: their `at`).  A record reported later
# than it happened (back-filled) therefore appears after newer records.


def instant(at: str) -> datetime:
    if len(at) == 10:
        return datetime.fromisoformat(at).replace(tzinfo=CST)
    value = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=CST)


def T(day: str, hm: str = "09:00") -> str:
    """A datetime with the campaign's offset."""
    return f"{day}T{hm}:00+08:00"


def L(day: str, hm: str = "09:00") -> str:
    """A datetime without offset (campaign-local time)."""
    return f"{day}T{hm}:00"


def plus(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def between(first: str, last: str) -> str:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return (a + timedelta(days=rnd.randint(0, (b - a).days))).isoformat()


HOURS = ["08:30", "09:00", "09:30", "10:00", "14:30", "15:00", "15:30", "16:00"]


def some_at(day: str) -> str:
    """Mostly offset datetimes, some local datetimes, some bare dates."""
    roll = rnd.random()
    hm = rnd.choice(HOURS)
    if roll < 0.08:
        return day
    if roll < 0.18:
        return L(day, hm)
    return T(day, hm)


class Log:
    def __init__(self) -> None:
        self.rows: list[tuple[datetime, int, bool, dict]] = []

    def add(
        self,
        type_: str,
        at: str,
        *,
        by: str | None = None,
        rep: str | None = None,
        noid: bool = False,
        **fields,
    ) -> None:
        record = {"type": type_, "at": at}
        if by:
            record["by"] = by
        record.update({k: v for k, v in fields.items() if v is not None})
        self.rows.append((instant(rep or at), len(self.rows), noid, record))

    def lines(self) -> list[str]:
        out, number = [], 0
        for _, _, noid, record in sorted(self.rows, key=lambda r: (r[0], r[1])):
            if not noid:
                number += 1
                record = {
                    "type": record["type"],
                    "at": record["at"],
                    "id": f"demo-{number:04d}",
                    **{k: v for k, v in record.items() if k not in ("type", "at")},
                }
            out.append(json.dumps(record, ensure_ascii=False))
        return out


log = Log()

# --------------------------------------------------------------------------
# People and units

LEADING_GROUP = [
    ("刘继东", "leader"),
    ("任乾", "deputy"),
    ("张毅", "member"),
    ("吴明俊", "member"),
    ("马国林", "member"),
    ("杨永昌", "member"),
]
OFFICE = [
    ("伍宏芝", "office_director"),
    ("冶美琴", "office_deputy"),
    ("卢毓锡", "office_member"),
    ("刘宏", "office_member"),
    ("王建新", "office_member"),
    ("孙伟", "office_member"),
    ("宋东勃", "office_member"),
    ("李学仁", "office_member"),
]
CLERKS = ["卢毓锡", "刘宏", "王建新", "孙伟", "宋东勃", "李学仁"]


def clerk() -> str:
    return rnd.choice(CLERKS)


# code, name, kind, Party members, who reports for the unit (its Party secretary)
UNITS = [
    ("JU", "局机关", "bureau", 86, "刘宏"),
    ("133", "一三三队", "team", 142, "陈志刚"),
    ("145", "一四五队", "team", 168, "王海峰"),
    ("149", "一四九队", "team", 131, "赵建国"),
    ("ZP", "综合普查队", "team", 97, "李振军"),
    ("YJS", "地质研究所", "institute", 64, "张玉兰"),
    ("KCY", "勘察设计研究院", "academy", 78, "何文斌"),
    ("DKGS", "地矿公司", "company", 45, "刘志强"),
    ("CHY", "测绘院", "academy", 52, "马晓东"),
    ("WYB", "物业管理办公室", "office", 23, "周淑芳"),
]
CODES = [u[0] for u in UNITS]
NAME = {u[0]: u[1] for u in UNITS}
KIND = {u[0]: u[2] for u in UNITS}
MEMBERS = {u[0]: u[3] for u in UNITS}
SEC = {u[0]: u[4] for u in UNITS}

CONTACT = {
    "刘继东": "133",
    "任乾": "ZP",
    "张毅": "145",
    "吴明俊": "149",
    "马国林": "YJS",
    "杨永昌": "KCY",
}


def head_count(unit: str, low: float = 0.6, high: float = 0.95) -> int:
    return int(MEMBERS[unit] * rnd.uniform(low, high))


def activity(
    unit: str,
    kind: str,
    day: str,
    title: str,
    *,
    at: str | None = None,
    participants: int | None = None,
    rep: str | None = None,
    aid: str | None = None,
    noid: bool = False,
) -> None:
    log.add(
        "ActivityHeld",
        at or some_at(day),
        by=SEC[unit],
        rep=rep,
        noid=noid,
        unit=unit,
        kind=kind,
        title=title,
        participants=head_count(unit) if participants is None else participants,
        activity=aid,
    )


# --------------------------------------------------------------------------
# 2010-05-11: the plan, the units, the leading group and its office

log.add(
    "CampaignPlanned",
    T("2010-05-11", "08:30"),
    by="伍宏芝",
    campaign=CAMPAIGN,
    title="甘肃煤田地质局深入开展创先争优活动",
    template="cxzy-2010",
    timezone="Asia/Shanghai",
)
for code, name, kind, members, _ in UNITS:
    log.add(
        "UnitRegistered",
        T("2010-05-11", "09:00"),
        by="冶美琴",
        unit=code,
        name=name,
        kind=kind,
        parent=None if kind == "bureau" else "JU",
        members=members,
    )
for person, role in LEADING_GROUP + OFFICE:
    log.add("LeaderAssigned", T("2010-05-11", "09:30"), by="冶美琴", person=person, role=role)
for person, unit in CONTACT.items():
    log.add("ContactPointAssigned", T("2010-05-14", "10:00"), by="冶美琴", person=person, unit=unit)

# --------------------------------------------------------------------------
# Phase 1 — mobilize (广泛发动,安排部署), 2010-05-11 … 05-31

activity(
    "JU",
    "mobilization",
    "2010-05-12",
    "局党委召开创先争优活动动员大会,刘继东同志作动员讲话",
    at=T("2010-05-12", "09:00"),
    participants=212,
    aid="act-ju-mobilization",
)
activity(
    "JU",
    "implementation_plan",
    "2010-05-14",
    "印发《中共甘肃煤田地质局委员会深入开展创先争优活动实施方案》",
    at=T("2010-05-14", "16:00"),
    participants=0,
    aid="act-ju-plan",
)
activity(
    "JU",
    "study",
    "2010-05-19",
    "局党委中心组专题学习胡锦涛总书记在学习实践活动总结大会上的重要讲话",
    at=T("2010-05-19", "15:00"),
    participants=24,
)

for unit in CODES[1:]:
    mob, plan, study = (
        between("2010-05-13", "2010-05-22"),
        between("2010-05-18", "2010-05-28"),
        between("2010-05-20", "2010-05-31"),
    )
    rep = None
    if unit == "149":  # the team is drilling in Xinjiang; the meeting waits for its return
        mob = "2010-06-03"
    if unit == "CHY":  # study done a week late
        study = "2010-06-07"
    if unit == "ZP":  # the field teams report everything in one batch on 12 June
        mob, study, rep = "2010-05-21", "2010-05-27", T("2010-06-12", "17:00")
        activity(
            unit,
            "implementation_plan",
            "2010-06-10",
            "制定《综合普查队深入开展创先争优活动实施方案》",
            at=T("2010-06-10", "10:00"),
            participants=0,
            rep=rep,
        )
    else:
        activity(
            unit,
            "implementation_plan",
            plan,
            f"制定《{NAME[unit]}深入开展创先争优活动实施方案》并向职工公布",
            participants=0,
        )
    activity(
        unit,
        "mobilization",
        mob,
        "召开党员大会,动员部署创先争优活动",
        rep=rep,
        participants=head_count(unit, 0.8, 0.97),
    )
    activity(
        unit,
        "study",
        study,
        "组织党员学习中组部、中宣部《关于在党的基层组织和党员中深入开展创先争优活动的意见》",
        rep=rep,
    )

# --------------------------------------------------------------------------
# Commitments (公开承诺).  Each entry: id, unit, text, due, made (day), then its
# later life as (type, day, fields).  public defaults to True; person is optional.

P, DC, F = "CommitmentProgressed", "CommitmentDueChanged", "CommitmentFulfilled"

COMMITMENTS = [
    # 局机关
    (
        "C-JU-1",
        "JU",
        "机关作风建设年:公文办理时限压缩至3个工作日以内",
        "2010-12-31",
        "2010-05-24",
        {},
        [
            (P, "2010-09-20", {"note": "推行公文网上流转,平均办理时限降至4个工作日"}),
            (F, "2010-12-28", {"note": "全年公文平均办理时限2.6个工作日"}),
        ],
    ),
    (
        "C-JU-2",
        "JU",
        "局领导每季度深入联系点不少于一次,帮助基层解决实际问题",
        "2012-06-30",
        "2010-05-24",
        {"person": "刘继东"},
        [
            (P, "2011-06-30", {"note": "一年来局领导深入联系点26次,协调解决问题14个"}),
            (P, "2011-12-30", {"note": "累计深入联系点41次"}),
            (F, "2012-06-25", {"note": "两年累计深入联系点58次,协调解决问题31个"}),
        ],
    ),
    (
        "C-JU-3",
        "JU",
        "建成局机关党员活动室和党建网页专栏",
        "2010-10-31",
        "2010-05-26",
        {},
        [(F, "2010-10-20", {"note": "党员活动室投入使用,局网站开设创先争优专栏"})],
    ),
    (
        "C-JU-4",
        "JU",
        "以优异成绩迎接党的十八大:全年地质找矿任务提前完成",
        "2012-12-31",
        "2012-08-01",
        {},
        [(P, "2012-10-31", {"note": "前三季度完成年度钻探工作量的86%"})],
    ),
    # 一三三队
    (
        "C-133-1",
        "133",
        "完成靖远矿区深部煤炭资源勘查野外施工任务",
        "2011-06-30",
        "2010-05-25",
        {},
        [
            (P, "2010-11-30", {"note": "完成钻探进尺1.8万米,占设计的45%"}),
            (
                DC,
                "2011-06-20",
                {"due": "2011-12-31", "reason": "雨季道路冲毁,两台钻机停工两个月,经局批准顺延"},
            ),
            (P, "2011-09-15", {"note": "完成设计工作量的90%"}),
            (F, "2011-12-20", {"note": "野外施工全部完成,转入报告编写"}),
        ],
    ),
    (
        "C-133-2",
        "133",
        "党员先锋岗钻机台月效率比上年提高10%",
        "2010-12-31",
        "2010-05-25",
        {},
        [(F, "2011-01-10", {"note": "党员钻机台月效率提高12.4%"})],
    ),
    (
        "C-133-3",
        "133",
        "为困难职工家庭办实事10件",
        "2011-12-31",
        "2010-05-27",
        {},
        [(P, "2011-02-01", {"note": "已办实事6件"}), (F, "2011-12-15", {"note": "全年办实事11件"})],
    ),
    (
        "C-133-P1",
        "133",
        "带头完成ZK1203孔施工,岩心采取率达到规范要求",
        "2010-10-31",
        "2010-05-27",
        {"public": False, "person": "郭红旗"},
        [(F, "2010-10-18", {"note": "终孔,岩心采取率96%"})],
    ),
    # 一四五队
    (
        "C-145-1",
        "145",
        "完成窑街矿区煤层气资源勘查项目",
        "2011-10-31",
        "2010-05-26",
        {},
        [
            (P, "2011-03-31", {"note": "完成参数井2口"}),
            (F, "2011-10-28", {"note": "项目通过野外验收"}),
        ],
    ),
    (
        "C-145-2",
        "145",
        "党员技术骨干与青年职工师带徒结对20对",
        "2010-12-31",
        "2010-05-26",
        {},
        [(F, "2010-12-20", {"note": "结对22对"})],
    ),
    (
        "C-145-P1",
        "145",
        "带3名青年技术员,使其能独立承担钻孔编录",
        "2011-06-30",
        "2010-05-28",
        {"public": False, "person": "马文军"},
        [(F, "2011-06-15", {"note": "3人均已独立上岗"})],
    ),
    (
        "C-145-3",
        "145",
        "对标一三三队,全年钻探进尺比上年提高15%",
        "2012-05-31",
        "2011-07-08",
        {},
        [
            (P, "2011-12-28", {"note": "全年进尺提高9%"}),
            (F, "2012-05-28", {"note": "按一年期统计提高16.2%"}),
        ],
    ),
    # 一四九队
    (
        "C-149-1",
        "149",
        "新疆项目部建立临时党支部,实现党的组织全覆盖",
        "2010-08-31",
        "2010-05-29",
        {},
        [(F, "2010-08-15", {"note": "哈密项目部临时党支部成立"})],
    ),
    (
        "C-149-2",
        "149",
        "安全生产零事故,党员责任区无违章",
        "2012-06-30",
        "2010-05-29",
        {},
        [
            (P, "2010-12-31", {"note": "2010年安全生产无事故"}),
            (P, "2011-12-31", {"note": "2011年安全生产无事故"}),
            (F, "2012-06-29", {"note": "活动期间安全生产零事故"}),
        ],
    ),
    (
        "C-149-3",
        "149",
        "完成职工住宅小区配套设施建设",
        "2012-03-31",
        "2010-05-30",
        {},
        [
            (P, "2011-10-10", {"note": "道路和绿化完工,供气工程施工中"}),
            (F, "2012-05-10", {"note": "供气工程验收通过,晚于承诺时限"}),
        ],
    ),
    # 综合普查队 (reported late: made on 28 May, recorded with the batch of 12 June)
    (
        "C-ZP-1",
        "ZP",
        "落实学习实践活动整改:野外职工伙食补贴按时足额发放",
        "2010-09-30",
        "2010-05-28",
        {},
        [
            (P, "2011-02-20", {"note": "已补发2010年第三季度补贴"}),
            (F, "2011-06-10", {"note": "欠发补贴全部补发到位,建立按月发放制度"}),
        ],
    ),
    (
        "C-ZP-2",
        "ZP",
        "建立野外项目部流动党员管理台账",
        "2010-12-31",
        "2010-05-28",
        {},
        [(F, "2011-05-28", {"note": "6个项目部台账全部建立"})],
    ),
    (
        "C-ZP-3",
        "ZP",
        "完成区域地质调查报告两项",
        "2012-06-30",
        "2010-05-28",
        {},
        [
            (P, "2011-11-20", {"note": "第一项报告通过评审"}),
            (F, "2012-06-20", {"note": "第二项报告通过评审"}),
        ],
    ),
    (
        "C-ZP-4",
        "ZP",
        "每季度向职工公开一次承诺兑现和整改情况",
        "2012-06-30",
        "2011-07-10",
        {},
        [
            (P, "2011-10-08", {"note": "第三季度情况已公开"}),
            (P, "2012-01-09", {"note": "第四季度情况已公开"}),
            (P, "2012-04-06", {"note": "第一季度情况已公开"}),
            (F, "2012-06-26", {"note": "按季公开已形成制度"}),
        ],
    ),
    # 地质研究所
    (
        "C-YJS-1",
        "YJS",
        "煤质化验室通过计量认证复审",
        "2011-06-30",
        "2010-05-25",
        {},
        [(F, "2011-05-18", {"note": "通过省质量技术监督局复审"})],
    ),
    (
        "C-YJS-2",
        "YJS",
        "每名党员科技人员年内提交科研成果一项",
        "2010-12-31",
        "2010-05-25",
        {},
        [
            (P, "2010-09-30", {"note": "已提交19项"}),
            (F, "2010-12-25", {"note": "党员科技人员提交成果31项"}),
        ],
    ),
    (
        "C-YJS-3",
        "YJS",
        "建设学习型党支部,每月开展一次专题学习",
        "2012-06-30",
        "2010-05-26",
        {},
        [
            (P, "2011-06-28", {"note": "已开展专题学习13次"}),
            (F, "2012-06-18", {"note": "累计开展专题学习25次"}),
        ],
    ),
    (
        "C-YJS-P1",
        "YJS",
        "完成《甘肃省煤炭资源潜力评价》专题研究",
        "2011-12-31",
        "2010-05-27",
        {"public": False, "person": "李慧敏"},
        [(F, "2011-11-30", {"note": "专题报告通过验收"})],
    ),
    # 勘察设计研究院
    (
        "C-KCY-1",
        "KCY",
        "设计成果一次交验合格率100%",
        "2011-12-31",
        "2010-05-24",
        {},
        [
            (P, "2010-12-30", {"note": "2010年一次交验合格率100%"}),
            (F, "2011-12-28", {"note": "两年一次交验合格率100%"}),
        ],
    ),
    (
        "C-KCY-2",
        "KCY",
        "开设党员示范窗口,服务承诺公开上墙",
        "2010-07-31",
        "2010-05-24",
        {},
        [(F, "2010-07-20", {"note": "示范窗口已开设"})],
    ),
    # 地矿公司
    (
        "C-DKGS-1",
        "DKGS",
        "多种经营年产值突破3000万元",
        "2011-12-31",
        "2010-05-27",
        {},
        [
            (P, "2011-06-30", {"note": "上半年完成产值1260万元"}),
            (P, "2012-01-12", {"note": "2011年完成产值2650万元,未达承诺目标"}),
            (P, "2012-07-10", {"note": "上半年完成产值1480万元,承诺仍未兑现"}),
        ],
    ),
    (
        "C-DKGS-2",
        "DKGS",
        "每半年向职工公开一次经营情况,接受职工监督",
        "2012-06-30",
        "2010-05-27",
        {},
        [
            (P, "2011-01-20", {"note": "已公开2010年下半年经营情况"}),
            (F, "2012-06-28", {"note": "已连续四次公开"}),
        ],
    ),
    # 测绘院
    (
        "C-CHY-1",
        "CHY",
        "完成全局矿区1:2000地形图数字化",
        "2011-09-30",
        "2010-05-28",
        {},
        [(P, "2011-03-15", {"note": "完成60%"}), (F, "2011-09-26", {"note": "全部完成并入库"})],
    ),
    (
        "C-CHY-2",
        "CHY",
        "党员带头开展测绘质量“零返工”竞赛",
        "2010-12-31",
        "2010-05-28",
        {},
        [(F, "2010-12-30", {"note": "全年测绘成果零返工"})],
    ),
    # 物业管理办公室 (committed after the mobilize window)
    (
        "C-WYB-1",
        "WYB",
        "完成家属区供暖管网改造,冬季室温不低于18℃",
        "2011-10-15",
        "2010-06-02",
        {},
        [
            (P, "2011-10-12", {"note": "一期主管网改造完成"}),
            (P, "2012-03-20", {"note": "二期改造资金未落实,部分楼栋室温仍低于16℃"}),
            (P, "2012-10-25", {"note": "二期工程已立项,计划明年供暖季前完成"}),
        ],
    ),
    (
        "C-WYB-2",
        "WYB",
        "维修电话24小时有人接听,维修人员2小时内到场",
        "2010-07-31",
        "2010-06-02",
        {},
        [(F, "2010-07-25", {"note": "服务承诺已兑现,建立回访制度"})],
    ),
]

for cid, unit, text, due, made, extra, life in COMMITMENTS:
    rep = T("2010-06-12", "17:00") if unit == "ZP" and made < "2010-06-12" else None
    log.add(
        "CommitmentMade",
        T(made, rnd.choice(HOURS)),
        by=SEC[unit],
        rep=rep,
        commitment=cid,
        unit=unit,
        text=text,
        due=due,
        public=extra.get("public", True),
        person=extra.get("person"),
    )
    for type_, day, fields in life:
        log.add(type_, T(day, "17:30"), by=SEC[unit], commitment=cid, **fields)

# --------------------------------------------------------------------------
# Phase 2 — compete (全面争创,扎实推进), 2010-06-01 … 2011-06-30: the five activities

POST = {
    "bureau": ["机关干部公文写作业务练兵", "“机关作风建设年”岗位技能比武"],
    "team": ["钻探技能比武大赛", "野外地质编录业务练兵", "党员先锋钻机台月进尺竞赛"],
    "institute": ["煤质化验技术比武", "科研课题攻关汇报会"],
    "academy": ["勘察设计图纸质量评比", "科技创新成果交流会"],
    "company": ["经营管理业务培训", "安全生产知识竞赛"],
    "office": ["水暖电维修技能比武", "物业服务规范知识竞赛"],
}
SERVE = [
    "党员志愿服务队进社区义务劳动",
    "结对帮扶困难职工家庭",
    "“金秋助学”资助困难职工子女",
    "为野外一线职工送清凉",
    "师带徒结对签约仪式",
]
BADGE = {
    "bureau": "机关设立党员示范窗口,在职党员佩戴党徽上班",
    "team": "在职党员佩戴党徽上岗,会战一线设立党员先锋岗",
    "institute": "实验室设立党员先锋岗,党员挂牌上岗",
    "academy": "设计室设立党员示范岗,党员挂牌上岗",
    "company": "多经实体设立党员责任区",
    "office": "服务窗口设立党员示范岗",
}
INNOVATE = {
    "bureau": "完善机关党建工作述职、考核、评议制度",
    "team": "在外省项目部建立临时党支部,扩大组织覆盖",
    "institute": "推行党支部书记抓党建述职评议制度",
    "academy": "推行党支部书记抓党建述职评议制度",
    "company": "在多经实体建立党小组,党员活动纳入项目管理",
    "office": "推行党员服务承诺制和群众满意度测评",
}
SELF = {
    "JU": "机关作风建设年“三查三改”",
    "133": "“党员钻机”劳动竞赛",
    "145": "“一名党员一面旗”主题实践",
    "149": "“党旗飘扬在新疆项目”野外党建",
    "ZP": "野外项目部“党员责任区”划分",
    "YJS": "“科研攻关党员突击队”",
    "KCY": "“设计质量党员把关”活动",
    "DKGS": "“诚信经营”承诺践诺",
    "CHY": "“测绘精品工程”党员攻坚",
    "WYB": "“物业服务进家门”",
}

for i, unit in enumerate(CODES):
    kind = KIND[unit]
    # 三个一: 重温入党誓词 and 特殊党课 before 1 July, one practical activity in the autumn
    activity(unit, "party_spirit_education", between("2010-06-08", "2010-06-22"), "重温入党誓词")
    activity(
        unit,
        "party_spirit_education",
        between("2010-06-15", "2010-06-29"),
        "上一堂特殊党课:讲党性、重品行、作表率",
    )
    activity(
        unit,
        "party_spirit_education",
        between("2010-09-06", "2010-11-20"),
        rnd.choice(
            [
                "组织党员参观会宁红军会师旧址",
                "组织党员到南梁革命纪念馆接受教育",
                "组织一次有实际效果的活动:党员义务植树",
            ]
        ),
    )
    # 党性分析报告, due before 1 July 2010
    if unit == "DKGS":
        pass  # never handed in (see the random check below)
    elif unit == "ZP":
        activity(
            unit,
            "party_spirit_analysis",
            "2010-07-12",
            "在职在岗党员撰写党性分析报告(补交)",
            at=T("2010-07-12", "16:00"),
        )
    elif unit == "KCY":  # held on time, reported a week later
        activity(
            unit,
            "party_spirit_analysis",
            "2010-06-29",
            "在职在岗党员撰写党性分析报告,召开专题组织生活会",
            at=T("2010-06-29", "15:00"),
            rep=T("2010-07-08", "11:00"),
        )
    elif unit == "145":
        activity(
            unit,
            "party_spirit_analysis",
            "2010-06-30",
            "在职在岗党员撰写党性分析报告,召开专题组织生活会",
            at=T("2010-06-30", "16:30"),
        )
    else:
        activity(
            unit,
            "party_spirit_analysis",
            between("2010-06-18", "2010-06-28"),
            "在职在岗党员撰写党性分析报告,召开专题组织生活会",
        )
    # 岗位奉献
    for title in POST[kind][:2]:
        activity(unit, "post_dedication", between("2010-07-15", "2011-05-31"), title)
    # 服务群众: Spring Festival visits plus two more
    spring = between("2011-01-20", "2011-02-01")
    if unit == "DKGS":  # reported with the first-quarter summary
        activity(
            unit,
            "serve_masses",
            spring,
            "春节前走访慰问离退休老党员和困难职工",
            rep=T("2011-03-10", "10:00"),
        )
        activity(
            unit,
            "post_dedication",
            "2011-01-15",
            "冬季安全生产知识竞赛",
            rep=T("2011-03-10", "10:00"),
        )
    else:
        activity(unit, "serve_masses", spring, "春节前走访慰问离退休老党员和困难职工")
    for title in rnd.sample(SERVE, 2):
        activity(unit, "serve_masses", between("2010-07-01", "2011-06-20"), title)
    # 亮牌示范, 组织创新, 自选动作
    badge_day = "2011-04-18" if unit == "ZP" else between("2010-07-01", "2010-07-20")
    activity(unit, "show_badge", badge_day, BADGE[kind])
    activity(unit, "org_innovation", between("2010-09-01", "2011-04-30"), INNOVATE[kind])
    activity(
        unit,
        "self_chosen",
        between("2010-08-01", "2010-12-15"),
        SELF[unit] + "启动",
        aid=f"act-self-{unit.lower()}-1",
        noid=(i % 4 == 3),
    )

# the bureau itself in the second half of the compete phase
activity(
    "JU",
    "org_innovation",
    "2011-03-25",
    "建立局党委委员基层党建工作联系点制度",
    at=T("2011-03-25", "10:00"),
    participants=15,
)
activity(
    "JU",
    "self_chosen",
    "2011-06-28",
    "庆祝建党90周年暨创先争优表彰大会",
    at=T("2011-06-28", "09:00"),
    participants=260,
    aid="act-ju-90th",
)

# --------------------------------------------------------------------------
# Reviews during the compete phase


def review(
    unit: str,
    kind: str,
    at: str,
    *,
    rid: str | None = None,
    reviewer: str | None = None,
    grade: str | None = None,
    ratings: dict | None = None,
    method: str | None = None,
    verdict: str | None = None,
    note: str | None = None,
    rep: str | None = None,
    by: str | None = None,
) -> None:
    log.add(
        "ReviewRecorded",
        at,
        by=by or clerk(),
        rep=rep,
        unit=unit,
        kind=kind,
        review=rid,
        reviewer=reviewer,
        grade=grade,
        ratings=ratings,
        method=method,
        verdict=verdict,
        note=note,
    )


RANGE = {"advanced": (4, 5), "middle": (3, 4), "lagging": (2, 3)}


def ratings_for(grade: str) -> dict:
    low, high = RANGE[grade]
    return {
        k: rnd.randint(low, high)
        for k in ("leadership", "members", "mechanism", "performance", "reputation")
    }


# Round 1 (七一前夕): the masses evaluate the Party members — no grade for the organisation
for unit in CODES:
    if unit == "WYB":
        continue  # WYB only takes part in the year-end round
    day = between("2010-06-24", "2010-07-08")
    review(
        unit,
        "mass_evaluation",
        some_at(day),
        rid=f"rv-201007-me-{unit.lower()}",
        reviewer="职工群众代表",
        note=f"组织群众对党员进行评议,参评群众{rnd.randint(40, 180)}人,"
        f"满意率{rnd.randint(88, 99)}%",
        by=SEC[unit],
    )

# Inspections in 2010
review(
    "DKGS",
    "inspection",
    T("2010-07-15", "10:30"),
    rid="rv-201007-rc-dkgs",
    reviewer="任乾",
    method="random_check",
    verdict="criticize",
    note="随机抽查:未组织党员撰写党性分析报告,党员学习台账不健全",
)
for unit, leader, verdict, note in [
    ("133", "刘继东", "commend", "党员先锋岗作用突出,钻机台月效率领先全局"),
    ("145", "张毅", "ok", "活动按计划推进,群众参与面有待扩大"),
    ("149", "吴明俊", "ok", "新疆项目部临时党支部运转正常"),
    ("CHY", "马国林", "ok", "学习环节补课到位"),
    ("ZP", "任乾", "criticize", "野外项目部党员组织生活不正常,承诺兑现滞后"),
]:
    review(
        unit,
        "inspection",
        T(between("2010-09-13", "2010-09-24"), "10:00"),
        rid=f"rv-201009-tour-{unit.lower()}",
        reviewer=leader,
        method="tour",
        verdict=verdict,
        note=note,
    )
for unit, verdict in [("YJS", "commend"), ("KCY", "ok"), ("JU", "ok"), ("WYB", "ok")]:
    review(
        unit,
        "inspection",
        T("2010-11-25", "14:30"),
        rid=f"rv-201011-rm-{unit.lower()}",
        reviewer="局创先争优活动领导小组",
        method="report_meeting",
        verdict=verdict,
        note="全局创先争优活动推进情况汇报会",
    )

# Round 2 (2010 year end): graded evaluation of every Party organisation
GRADES_2010 = {
    "JU": "advanced",
    "133": "advanced",
    "145": "middle",
    "149": "middle",
    "ZP": "lagging",
    "YJS": "advanced",
    "KCY": "advanced",
    "DKGS": "middle",
    "CHY": "middle",
    "WYB": "middle",
}
for unit, grade in GRADES_2010.items():
    day = "2010-12-20" if unit == "ZP" else between("2010-12-13", "2010-12-28")
    ratings = (
        {"leadership": 2, "members": 3, "mechanism": 2, "performance": 3, "reputation": 2}
        if unit == "ZP"
        else ratings_for(grade)
    )
    review(
        unit,
        "mass_evaluation",
        T(day, "15:00"),
        rid=f"rv-201012-me-{unit.lower()}",
        reviewer="局创先争优活动领导小组办公室",
        grade=grade,
        ratings=ratings,
        note="年终群众评议:" + {"advanced": "先进", "middle": "中间状态", "lagging": "后进"}[grade],
    )

review(
    "133",
    "leader_commentary",
    T("2011-01-18", "10:00"),
    rid="rv-201101-lc-133",
    reviewer="刘继东",
    note="一三三队把创先争优与勘查生产紧密结合,“党员钻机”值得全局推广",
)
review(
    "145",
    "inspection",
    T("2011-03-18", "14:30"),
    rid="rv-201103-sym-145",
    reviewer="张毅",
    method="symposium",
    verdict="ok",
    note="职工座谈会:部分职工反映党员联系群众不够,困难职工帮扶不及时",
)
review(
    "ZP",
    "inspection",
    T("2011-05-12", "10:00"),
    rid="rv-201105-sup-zp",
    reviewer="任乾",
    method="supervision",
    verdict="criticize",
    note="整改督查:伙食补贴问题逾期未整改,群众意见仍然较大",
)
review(
    "ZP",
    "leader_commentary",
    T("2011-06-24", "16:00"),
    rid="rv-201106-lc-zp",
    reviewer="任乾",
    note="综合普查队整改由被动转为主动,组织生活逐步规范,要巩固成果",
)

log.add(
    "UnitUpdated",
    T("2011-03-15", "11:00"),
    by="冶美琴",
    unit="DKGS",
    name="地矿开发有限公司",
    members=48,
)

# --------------------------------------------------------------------------
# Rectifications (整改).  Each: id, unit, issue, deadline, source, owner,
# supervised, opened (datetime), then its life as (type, at, fields).

RP, RX, RC, RV, RE = (
    "RectificationProgressed",
    "RectificationDeadlineExtended",
    "RectificationCompleted",
    "RectificationVerified",
    "RectificationEscalated",
)

RECTIFICATIONS = [
    (
        "R-JU-1",
        "JU",
        "学习实践活动整改遗留问题:机关公文运转环节多、办理时限长",
        "2010-12-31",
        "legacy",
        "王立新",
        False,
        T("2010-05-20", "10:00"),
        [
            (RP, T("2010-08-16", "17:00"), {"note": "精简公文审批环节3个,推行网上流转"}),
            (RC, T("2010-12-20", "17:00"), {"note": "公文办理时限达到承诺要求"}),
            (
                RV,
                T("2011-01-08", "10:00"),
                {"accepted": True, "verifier": "任乾", "note": "经抽查,整改到位"},
            ),
        ],
    ),
    (
        "R-DKGS-1",
        "DKGS",
        "未组织党员撰写党性分析报告,党员学习台账不健全",
        "2010-09-30",
        "rv-201007-rc-dkgs",
        "刘志强",
        False,
        T("2010-07-20", "09:30"),
        [
            (RP, T("2010-08-20", "17:00"), {"note": "已建立党员学习台账"}),
            (
                RC,
                T("2010-09-25", "17:00"),
                {"note": "补上党课;常驻外地项目的党员党性分析报告未能补交"},
            ),
            (
                RV,
                T("2010-10-10", "10:00"),
                {
                    "accepted": True,
                    "verifier": "伍宏芝",
                    "note": "台账已建立;党性分析报告缺项记入专项台帐",
                },
            ),
        ],
    ),
    # ZP, from the 2010 year-end evaluation (grade lagging)
    (
        "R-ZP-1",
        "ZP",
        "党组织生活不规范,野外项目部党员长期未参加“三会一课”",
        "2011-03-31",
        "rv-201012-me-zp",
        "李振军",
        True,
        T("2011-01-05", "09:00"),
        [
            (RP, T("2011-01-25", "17:00"), {"note": "制定野外项目部党小组活动制度"}),
            (RP, T("2011-03-05", "17:00"), {"note": "各项目部恢复党小组会"}),
            (RC, T("2011-03-28", "17:00"), {"note": "整改完成,申请验收"}),
            (
                RV,
                T("2011-04-12", "11:00"),
                {
                    "accepted": False,
                    "verifier": "任乾",
                    "note": "抽查3个野外项目部,2个仍无组织生活记录,退回重新整改",
                },
            ),
            (RP, T("2011-05-06", "17:00"), {"note": "队党委书记带队逐个项目部督导,补建活动记录"}),
            (RC, T("2011-05-26", "17:00"), {"note": "6个项目部组织生活全部正常开展"}),
            (
                RV,
                T("2011-06-10", "10:00"),
                {"accepted": True, "verifier": "任乾", "note": "复查合格,同意销号"},
            ),
        ],
    ),
    (
        "R-ZP-2",
        "ZP",
        "公开承诺兑现滞后:野外职工伙食补贴未按承诺足额发放",
        "2011-04-30",
        "rv-201012-me-zp",
        "孟庆华",
        False,
        T("2011-01-05", "09:10"),
        [
            (RP, T("2011-02-20", "17:00"), {"note": "补发2010年第三季度补贴,其余待资金到位"}),
            (
                RE,
                T("2011-05-16", "15:00"),
                {
                    "action": "public_criticism",
                    "note": "局党委印发《关于综合普查队整改不力的通报》",
                },
            ),
            (
                RX,
                T("2011-05-20", "10:00"),
                {"deadline": "2011-06-30", "reason": "补贴资金需经局财务审批,通报后限期至6月底"},
            ),
            (RP, T("2011-06-10", "17:00"), {"note": "欠发补贴全部补发到位"}),
            (RC, T("2011-06-15", "17:00"), {"note": "建立伙食补贴按月发放制度"}),
            (
                RV,
                T("2011-06-28", "10:00"),
                {"accepted": True, "verifier": "伍宏芝", "note": "经走访职工核实,同意销号"},
            ),
        ],
    ),
    (
        "R-ZP-3",
        "ZP",
        "亮牌示范流于形式,党员先锋岗未设到野外一线",
        "2011-06-30",
        "rv-201012-me-zp",
        "李振军",
        False,
        T("2011-01-05", "09:20"),
        [
            (RP, T("2011-04-18", "17:00"), {"note": "6个野外项目部设立党员先锋岗"}),
            (RC, T("2011-06-20", "17:00"), {}),
            (RV, T("2011-07-05", "10:00"), {"accepted": True, "verifier": "冶美琴"}),
        ],
    ),
    (
        "R-145-1",
        "145",
        "党员联系群众不够,困难职工帮扶不及时",
        "2011-06-30",
        "rv-201103-sym-145",
        "王海峰",
        False,
        T("2011-03-22", "09:00"),
        [
            (RP, T("2011-04-30", "17:00"), {"note": "建立党员联系职工户制度"}),
            (RC, T("2011-06-20", "17:00"), {"note": "每名党员联系职工3至5户"}),
            (RV, T("2011-06-27", "10:00"), {"accepted": True, "verifier": "张毅"}),
        ],
    ),
    # 149, from a random check in the rectify phase: extended, closed after the phase ended
    (
        "R-149-1",
        "149",
        "党员先锋岗考核流于形式,考核记录不全",
        "2012-05-31",
        "rv-201203-rc-149",
        "赵建国",
        False,
        T("2012-03-12", "09:00"),
        [
            (
                RX,
                T("2012-05-25", "10:00"),
                {
                    "deadline": "2012-07-31",
                    "reason": "主要党员在新疆项目野外施工,7月底返队后集中整改",
                },
            ),
            (RP, T("2012-06-20", "17:00"), {"note": "修订党员先锋岗考核办法"}),
            (RC, T("2012-07-25", "17:00"), {"note": "返队党员全部完成考核"}),
            (RV, T("2012-08-06", "10:00"), {"accepted": True, "verifier": "王建新"}),
        ],
    ),
    # WYB, opened in the summarize phase, still open at the end
    (
        "R-WYB-1",
        "WYB",
        "供暖管网二期改造承诺未兑现,住户意见集中",
        "2012-12-31",
        "rv-201209-sup-wyb",
        "周淑芳",
        True,
        T("2012-09-20", "09:00"),
        [(RP, T("2012-10-25", "17:00"), {"note": "二期工程已立项,资金申请已报局财务"})],
    ),
]

for rid, unit, issue, deadline, source, owner, supervised, opened, life in RECTIFICATIONS:
    log.add(
        "RectificationOpened",
        opened,
        by=clerk(),
        rectification=rid,
        unit=unit,
        issue=issue,
        deadline=deadline,
        source=source,
        owner=owner,
        supervised=supervised,
    )
    for type_, at, fields in life:
        who = SEC[unit] if type_ in (RP, RC, RX) else "伍宏芝"
        log.add(type_, at, by=who, rectification=rid, **fields)

# --------------------------------------------------------------------------
# Commendations on the 90th anniversary of the Party (2011-07-01)

AWARDS_2011 = [
    ("133", "advanced_org", "province", None, "2011-06-27"),
    ("133", "excellent_member", "province", "郭红旗", "2011-06-27"),
    ("133", "advanced_org", "bureau", None, "2011-06-28"),
    ("YJS", "advanced_org", "bureau", None, "2011-06-28"),
    ("KCY", "advanced_org", "bureau", None, "2011-06-28"),
    ("YJS", "excellent_member", "bureau", "李慧敏", "2011-06-28"),
    ("KCY", "excellent_member", "bureau", "杨帆", "2011-06-28"),
    ("145", "excellent_member", "bureau", "马文军", "2011-06-28"),
    ("JU", "excellent_member", "bureau", "王淑琴", "2011-06-28"),
]
AWARDS_2012 = [
    ("133", "advanced_org", "central", None, "2012-06-29"),
    ("YJS", "model", "province", None, "2012-06-29"),
    ("145", "advanced_org", "bureau", None, "2012-06-30"),
    ("CHY", "advanced_org", "bureau", None, "2012-06-30"),
    ("JU", "advanced_org", "bureau", None, "2012-06-30"),
    ("133", "model", "bureau", "郭红旗", "2012-06-30"),
    ("149", "excellent_member", "bureau", "韩立军", "2012-06-30"),
    ("ZP", "excellent_member", "bureau", "孟庆华", "2012-06-30"),
    ("KCY", "excellent_member", "bureau", "何晓燕", "2012-06-30"),
]
for unit, title, level, person, day in AWARDS_2011 + AWARDS_2012:
    log.add(
        "CommendationAwarded",
        T(day, "09:30"),
        by="冶美琴",
        unit=unit,
        title=title,
        level=level,
        person=person,
    )

# --------------------------------------------------------------------------
# Phase 3 — rectify (示范带动、整改提高), 2011-07-01 … 2012-06-30

MODELS = [
    "学习杨善洲同志先进事迹",
    "观看先进事迹报告会录像,学榜样、赶先进",
    "对标先进单位查找差距,制定赶超措施",
    "邀请局优秀共产党员作事迹报告",
]
for unit in CODES:
    if unit == "CHY":  # held in July 2012 (late), reported two weeks later
        activity(
            unit,
            "learn_from_models",
            "2012-07-05",
            "对标先进单位查找差距,制定赶超措施",
            at=T("2012-07-05", "15:00"),
            rep=T("2012-07-20", "10:00"),
        )
    else:
        for title in rnd.sample(MODELS, 2 if unit in ("ZP", "145", "JU") else 1):
            activity(unit, "learn_from_models", between("2011-07-05", "2012-05-31"), title)
    activity(unit, "serve_masses", between("2011-07-10", "2012-06-20"), rnd.choice(SERVE))
    activity(
        unit,
        "serve_masses",
        between("2012-01-10", "2012-01-20"),
        "春节前走访慰问离退休老党员和困难职工",
    )
    activity(unit, "post_dedication", between("2011-08-01", "2012-06-15"), POST[KIND[unit]][-1])
    activity(
        unit,
        "self_chosen",
        between("2011-09-01", "2012-05-31"),
        SELF[unit] + "深化推进",
        aid=f"act-self-{unit.lower()}-2",
    )
    activity(
        unit,
        "party_spirit_education",
        between("2012-06-20", "2012-06-29"),
        "“七一”重温入党誓词,上专题党课",
    )

activity(
    "JU",
    "learn_from_models",
    "2011-07-12",
    "局党委召开先进事迹报告会,受表彰先进代表巡回宣讲",
    at=T("2011-07-12", "09:00"),
    participants=240,
    aid="act-ju-models-tour",
)

# Round 3 (2011 year end): graded evaluation again
GRADES_2011 = {
    "JU": "advanced",
    "133": "advanced",
    "145": "advanced",
    "149": "middle",
    "ZP": "middle",
    "YJS": "advanced",
    "KCY": "advanced",
    "DKGS": "middle",
    "CHY": "advanced",
    "WYB": "middle",
}
for unit, grade in GRADES_2011.items():
    day = between("2011-12-12", "2011-12-26")
    review(
        unit,
        "mass_evaluation",
        T(day, "15:00"),
        rid=f"rv-201112-me-{unit.lower()}",
        reviewer="局创先争优活动领导小组办公室",
        grade=grade,
        ratings=ratings_for(grade),
        note="年度群众评议",
        rep=T("2012-01-05", "10:00") if unit == "145" else None,
    )

for unit, leader, verdict, note in [
    ("ZP", "任乾", "ok", "整改成果巩固,流动党员管理台账规范"),
    ("DKGS", "杨永昌", "ok", "经营公开落实,产值承诺进度滞后"),
    ("WYB", "张毅", "ok", "服务承诺落实,供暖改造进度需加快"),
]:
    review(
        unit,
        "inspection",
        T(between("2011-09-19", "2011-09-28"), "10:00"),
        rid=f"rv-201109-tour-{unit.lower()}",
        reviewer=leader,
        method="tour",
        verdict=verdict,
        note=note,
    )
review(
    "149",
    "inspection",
    T("2012-03-08", "10:00"),
    rid="rv-201203-rc-149",
    reviewer="吴明俊",
    method="random_check",
    verdict="criticize",
    note="随机抽查:党员先锋岗考核记录缺失",
)
review(
    "CHY",
    "inspection",
    T("2012-03-08", "15:00"),
    rid="rv-201203-rc-chy",
    reviewer="吴明俊",
    method="random_check",
    verdict="ok",
    note="随机抽查:活动记录完整,学榜样活动尚未开展",
)
review(
    "ZP",
    "inspection",
    T("2012-04-20", "10:00"),
    rid="rv-201204-sup-zp",
    reviewer="任乾",
    method="supervision",
    verdict="commend",
    note="由后进转化为先进的典型,予以通报表扬",
)
review(
    "KCY",
    "leader_commentary",
    T("2011-11-16", "10:00"),
    rid="rv-201111-lc-kcy",
    reviewer="杨永昌",
    note="设计质量党员把关做法有效,建议形成制度",
)

# --------------------------------------------------------------------------
# Phase 4 — summarize (系统总结,完善机制), 2012-07-01 … 2012-11-07

activity(
    "JU",
    "exhibition",
    "2012-09-26",
    "举办创先争优活动图片展暨“机关作风建设年”活动成果展",
    at=T("2012-09-26", "09:30"),
    participants=320,
    aid="act-ju-exhibition",
)
for unit in CODES:
    activity(
        unit,
        "summary",
        between("2012-09-10", "2012-10-26"),
        "系统总结创先争优活动,形成总结报告",
        participants=rnd.randint(8, 30),
    )
    if unit != "WYB":  # WYB has not fixed its practices in rules yet
        activity(
            unit,
            "mechanism",
            between("2012-08-06", "2012-10-31"),
            "将创先争优行之有效的做法形成《基层党建工作规范》",
            participants=rnd.randint(8, 30),
        )
    activity(
        unit,
        "self_chosen",
        between("2012-10-15", "2012-11-05"),
        "“喜迎十八大、争创新业绩”主题实践",
        noid=(unit in ("149", "DKGS")),
    )

review(
    "WYB",
    "inspection",
    T("2012-09-18", "10:00"),
    rid="rv-201209-sup-wyb",
    reviewer="张毅",
    method="supervision",
    verdict="criticize",
    note="供暖管网二期改造承诺逾期未兑现",
)

GRADES_2012 = {
    "JU": "advanced",
    "133": "advanced",
    "145": "advanced",
    "149": "advanced",
    "ZP": "advanced",
    "YJS": "advanced",
    "KCY": "advanced",
    "DKGS": "middle",
    "CHY": "advanced",
    "WYB": "middle",
}
for unit, grade in GRADES_2012.items():
    day = between("2012-10-15", "2012-10-30")
    ratings = (
        {"leadership": 5, "members": 4, "mechanism": 5, "performance": 4, "reputation": 5}
        if unit == "ZP"
        else ratings_for(grade)
    )
    review(
        unit,
        "superior_assessment",
        T(day, "10:00"),
        rid=f"rv-201210-sa-{unit.lower()}",
        reviewer="局党委考核组",
        grade=grade,
        ratings=ratings,
        note="创先争优活动考核评议,记入专项台帐",
    )

COMMENTS = {
    "133": "“党员钻机”成为全局品牌,要把经验制度化",
    "ZP": "从后进到先进,整改经验值得全局借鉴",
    "145": "师带徒和联系职工户两项制度要坚持下去",
    "149": "野外党建有特色,先锋岗考核要常抓不懈",
    "YJS": "学习型党组织建设走在全局前列",
    "KCY": "质量把关机制健全,要在服务地方上再下功夫",
}
for person, unit in CONTACT.items():
    review(
        unit,
        "leader_commentary",
        T(between("2012-10-22", "2012-11-05"), "15:00"),
        rid=f"rv-2012-lc-{unit.lower()}",
        reviewer=person,
        note=COMMENTS[unit],
    )
review(
    "JU",
    "inspection",
    T("2012-11-06", "09:00"),
    rid="rv-201211-rm-ju",
    reviewer="刘继东",
    method="report_meeting",
    verdict="commend",
    note="全局创先争优活动总结汇报会",
)
activity(
    "JU",
    "summary",
    "2012-11-07",
    "局党委召开创先争优活动总结大会,以优异成绩迎接党的十八大召开",
    at=T("2012-11-07", "09:00"),
    participants=280,
    aid="act-ju-summary-meeting",
)

# --------------------------------------------------------------------------
# Contact visits (联系点): about every five months, more often at the lagging unit.
# 杨永昌's visits are entered quarterly from the office's spreadsheet (back-filled, no ids).

VISIT_NOTES = [
    "听取党委创先争优活动情况汇报",
    "参加联系点党员大会并讲话",
    "与基层党员座谈,了解承诺兑现情况",
    "深入项目部检查亮牌示范活动",
    "走访慰问困难职工",
    "检查党性分析报告撰写情况",
    "帮助解决野外职工生活保障问题",
    "参加联系点专题组织生活会",
    "调研基层党建工作机制建设",
]
VISIT_WINDOWS = [
    ("2010-06-01", "2010-06-25"),
    ("2010-10-08", "2010-10-30"),
    ("2011-03-01", "2011-03-25"),
    ("2011-06-01", "2011-06-20"),
    ("2011-10-10", "2011-10-28"),
    ("2012-03-01", "2012-03-28"),
    ("2012-06-01", "2012-06-20"),
    ("2012-09-03", "2012-09-28"),
]


def quarter_end(day: str) -> str:
    y, m = int(day[:4]), int(day[5:7])
    end = {3: "03-31", 6: "06-30", 9: "09-30", 12: "12-31"}[((m - 1) // 3 + 1) * 3]
    return plus(f"{y}-{end}", 1)


for person, unit in CONTACT.items():
    for first, last in VISIT_WINDOWS:
        day = between(first, last)
        batch = person == "杨永昌"
        log.add(
            "ContactVisitMade",
            some_at(day),
            by="宋东勃" if batch else "李学仁",
            rep=T(quarter_end(day), "16:00") if batch else None,
            noid=batch,
            person=person,
            unit=unit,
            note=rnd.choice(VISIT_NOTES),
        )
for day, note in [
    ("2011-01-12", "指导制定整改方案,督促挂牌督办事项"),
    ("2011-04-14", "验收未通过后约谈队党委书记"),
    ("2011-05-17", "通报批评后督促限期整改"),
]:
    log.add("ContactVisitMade", T(day, "10:00"), by="李学仁", person="任乾", unit="ZP", note=note)
log.add(
    "ContactVisitMade",
    "2010-08-20T02:30:00Z",
    by="李学仁",
    person="刘继东",
    unit="149",
    note="到新疆哈密项目部看望野外职工,出席临时党支部成立会",
)
log.add(
    "ContactVisitMade",
    T("2011-05-18", "15:00"),
    by="李学仁",
    person="刘继东",
    unit="ZP",
    note="听取综合普查队整改情况汇报,提出限期整改要求",
)

# --------------------------------------------------------------------------

HEADER = [
    "# cxzy demo — 甘肃煤田地质局深入开展创先争优活动, 2010-05-11 … 2012-11-07",
    "# Generated by events/make_demo.py (deterministic); edit the script, not this file.",
    "# Import:  cxzy import events/demo.jsonl   (all or nothing; importing again is harmless)",
    "# Story: 综合普查队 (ZP) lags (2010 year-end grade lagging) → three rectifications:",
    "#        R-ZP-1 supervised and rejected once at verification, R-ZP-2 publicly criticised",
    "#        after its deadline → all closed; graded middle (2011) and advanced (2012).",
    "#        地矿公司 (DKGS, renamed 2011) misses the party-spirit analysis and one commitment;",
    "#        物业管理办公室 (WYB) ends with an overdue commitment and an open supervised",
    "#        rectification. Some records are back-filled (reported after newer ones).",
]

if __name__ == "__main__":
    lines = log.lines()
    OUT.write_text("\n".join(HEADER + lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(lines)} records)")
