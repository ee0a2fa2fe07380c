"""Messages in Chinese (the default) and English.

Every message the user sees goes through :func:`message` (rule violations,
format errors) or :func:`t` (labels). A missing translation falls back to
English, then to the key itself, so a gap never breaks the interface.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from cxzy.domain.errors import Choices, Coded, Listed, TemplatePlace, Violation
from cxzy.domain.schema import COMMON_FIELDS, TYPES
from cxzy.domain.template import SELF_CHOSEN_NAMES

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
#: Yes and no as a user types them, in either language (a spreadsheet's cell, the
#: log filter's late:): yes/no are the English template's
TRUE_WORDS = frozenset({"true", "是", "1", "yes"})
FALSE_WORDS = frozenset({"false", "否", "0", "no"})

MESSAGES: dict[str, dict[str, str]] = {
    # -- the interchange format ---------------------------------------------------
    "invalid_json_named": {
        "en": "not valid JSON: {detail} (column {column}); a {suffix} file is read as JSON Lines (CSV files and workbooks are read by their extension: .csv, .xlsx)",
        "zh": "不是有效的 JSON:{detail}(第 {column} 列);{suffix} 文件按 JSON Lines 读取(CSV 文件和工作簿按扩展名读取:.csv、.xlsx)",
    },
    "invalid_json": {
        "en": "not valid JSON: {detail} (column {column})",
        "zh": "不是有效的 JSON:{detail}(第 {column} 列)",
    },
    "jsonl_cr_lines": {
        "en": "its lines end in a carriage return (CR) alone, as old Mac files do: JSON Lines ends them in LF or CR LF; save it so (a text editor's line-ending setting) and import it again",
        "zh": "其各行仅以回车符(CR)结尾(旧版 Mac 的格式):JSON Lines 的行须以 LF 或 CR LF 结尾;请用文本编辑器的“行尾”设置另存后重新导入",
    },
    # why a line is not JSON: the standard library's words (English), in Chinese too
    "json.Expecting value": {"en": "Expecting value", "zh": "缺少值"},
    "json.Expecting property name enclosed in double quotes": {
        "en": "Expecting property name enclosed in double quotes",
        "zh": "字段名须用英文双引号括起",
    },
    "json.ends_early": {
        "en": "the line ends before the record does: a closing '}}' or ']' (or a value) is missing",
        "zh": "该行在记录结束前就结束了:缺少结尾的 '}}' 或 ']'(或某个值)",
    },
    "json.Expecting ',' delimiter": {"en": "Expecting ',' delimiter", "zh": "缺少英文逗号 ','"},
    "json.Expecting ':' delimiter": {"en": "Expecting ':' delimiter", "zh": "缺少英文冒号 ':'"},
    "json.Unterminated string starting at": {
        "en": "Unterminated string starting at",
        "zh": "字符串缺少结尾的引号",
    },
    "json.Extra data": {"en": "Extra data", "zh": "一行之后还有多余内容"},
    "json.Invalid control character at": {
        "en": "Invalid control character at",
        "zh": "字符串中有控制字符",
    },
    "json.Invalid \\escape": {"en": "Invalid \\escape", "zh": "无效的转义 \\"},
    "json.nested too deeply": {"en": "nested too deeply", "zh": "嵌套层次过深"},
    "json.number too long": {"en": "a number of too many digits", "zh": "数字位数过多"},
    "json.lone surrogate in a string": {
        "en": "a \\u escape that is half of a character (a lone surrogate)",
        "zh": "\\u 转义只有半个字符(孤立的代理项)",
    },
    "field_twice": {
        "en": "field '{field}' is given twice in the line (only one value can hold)",
        "zh": "字段 '{field}' 在这一行中出现了两次(只能有一个值)",
    },
    "not_object": {"en": "a record must be a JSON object", "zh": "每条记录必须是 JSON 对象"},
    "missing_field": {"en": "field '{field}' is required", "zh": "缺少必填字段 '{field}'"},
    "excel_error": {
        "en": "cell {column} holds Excel's error {value} (its formula failed): correct the formula, or type the value",
        "zh": "单元格 {column} 是 Excel 的错误值 {value}(公式出错):请改正公式,或直接填写数值",
    },
    "formula_unsaved": {
        "en": "cell {column} holds a formula ({formula}) whose result the file never saved: open and save it in Excel or WPS, then import it",
        "zh": "单元格 {column} 是公式({formula}),文件中没有保存其计算结果:请用 Excel 或 WPS 打开并保存后再导入",
    },
    "note_row_filled": {
        "en": "its first cell ({column}) begins with '#', as a note row's does, but the row also fills {fields}: to leave the row out, delete it; to import it, begin that cell otherwise",
        "zh": "本行第一个单元格({column})以“#”开头,这是备注行的写法,但本行还填写了 {fields}:如不导入,请删除该行;如要导入,请让该单元格不以“#”开头",
    },
    "unknown_column": {
        "en": "unknown field '{field}' for {type} (allowed: {allowed}); a column kept as notes begins with #",
        "zh": "{type} 不认识字段 '{field}'(可用:{allowed});作为备注保留的列,列名以 # 开头",
    },
    "unknown_column_any": {
        "en": "columns that are a field of no record type (→ the closest field): {fields}; a column kept as notes begins with #",
        "zh": "以下列不是任何记录类型的字段(→ 最接近的字段):{fields};作为备注保留的列,列名以 # 开头",
    },
    "unknown_field": {
        "en": "unknown field '{field}' for {type} (allowed: {allowed})",
        "zh": "{type} 不认识字段 '{field}'(可用:{allowed})",
    },
    "unknown_type": {
        "en": "unknown type '{type}' (one of: {types})",
        "zh": "未知类型 '{type}'(可用:{types})",
    },
    "bad_enum": {
        "en": "field '{field}': '{value}' is not one of {allowed}",
        "zh": "字段 '{field}':'{value}' 不在可选值 {allowed} 之中",
    },
    "before_history": {
        "en": "{day} is more than {days} days before the campaign's first day, {first}: a "
        "year typed wrong? (how many days of history a campaign takes over is its template's"
        " history_days)",
        "zh": "{day} 比活动首日 {first} 早了 {days} 天以上:年份是否写错?(活动可接续多少天以前的"
        "记录,由模板的 history_days 设定)",
    },
    "planned_after_campaign": {
        "en": "a campaign planned on {day}, after the last day of template '{template}''s"
        ' windows ({last}): give this campaign\'s own windows ("phases": [{{"key": …,'
        ' "start": …, "end": …}}, …], one for each phase), or the template it runs on if'
        " not this one",
        "zh": "活动规划于 {day},晚于模板 '{template}' 各阶段的最后一天 {last}:请写明本次活动各阶段的"
        '起止日期("phases": [{{"key": …, "start": …, "end": …}}, …],每个阶段一项),'
        "如所用模板不是这个,请写明模板(template)",
    },
    "weekday_mismatch": {
        "en": "field '{field}': '{value}': {day} is a {weekday}, not the day of the week written",
        "zh": "字段 '{field}':'{value}':{day} 是{weekday},与所写的星期不符",
    },
    "bad_date": {
        "en": "field '{field}': '{value}' is not a date (YYYY-MM-DD)",
        "zh": "字段 '{field}':'{value}' 不是有效日期(YYYY-MM-DD)",
    },
    "date_out_of_range": {
        "en": "field '{field}': '{value}' is outside {first} … {last}",
        "zh": "字段 '{field}':'{value}' 不在 {first} 至 {last} 之间",
    },
    "no_such_month": {
        "en": "field '{field}': '{value}' names month {month}, and there is none (01 to 12)",
        "zh": "字段 '{field}':'{value}' 中的月份 {month} 不存在(应为 01 至 12)",
    },
    "no_such_day": {
        "en": "field '{field}': there is no day '{value}': {month} has {days} days",
        "zh": "字段 '{field}':没有 '{value}' 这一天:{month} 只有 {days} 天",
    },
    "bad_datetime": {
        "en": "field '{field}': '{value}' is not a date or a date and time (e.g. 2011-03-01 or 2011-03-01T09:30, ISO 8601)",
        "zh": "字段 '{field}':'{value}' 不是日期或日期时间(应如 2011-03-01 或 2011-03-01T09:30,ISO 8601 格式)",
    },
    "bad_int": {
        "en": "field '{field}': '{value}' is not a whole number ≥ {min}",
        "zh": "字段 '{field}':'{value}' 不是 ≥ {min} 的整数",
    },
    "date_is_number": {
        "en": "field '{field}': {value} is a number, not a date: write the date, {day} "
        "(in JSON Lines, in quotes)",
        "zh": "字段 '{field}':{value} 是数字,不是日期:请写成日期 {day}(JSON Lines 中要加引号)",
    },
    "quoted_value": {
        "en": "field '{field}': {value} is text in quotes; write it without them: {bare}",
        "zh": "字段 '{field}':{value} 带引号,是文本;请去掉引号:{bare}",
    },
    "too_large": {
        "en": "field '{field}': {value} is larger than {max}",
        "zh": "字段 '{field}':{value} 大于 {max}",
    },
    "bad_rating": {
        "en": "field '{field}': '{value}' is not a whole number from 1 to 5",
        "zh": "字段 '{field}':'{value}' 不是 1 到 5 的整数",
    },
    "bad_bool": {
        "en": "field '{field}': '{value}' is not true or false (in a spreadsheet: 是/否, yes/no, TRUE/FALSE or 1/0)",
        "zh": "字段 '{field}':'{value}' 不是 true 或 false(表格中可填 是/否、yes/no、TRUE/FALSE 或 1/0)",
    },
    "unquoted_text": {
        "en": "field '{field}' is text: write it in quotes, \"{value}\", not as the number {value}",
        "zh": "字段 '{field}' 是文本:请加引号写作 \"{value}\",而不是数字 {value}",
    },
    "bad_text": {
        "en": "field '{field}' must be non-empty text",
        "zh": "字段 '{field}' 必须是非空文本",
    },
    "spaced_code": {
        "en": "field '{field}' begins or ends with a space ({value}): codes and names are compared exactly",
        "zh": "字段 '{field}' 首尾有空格({value}):代码和姓名按原样比对",
    },
    "unseen_in_code": {
        "en": "field '{field}' ('{value}') holds {chars}, which no one can see or type (a control character such as a line break or a tab, a zero-width space, a direction mark): codes, ids, people and units' names are compared as written and shown on one line",
        "zh": "字段 '{field}'('{value}')含有 {chars},这类字符看不见、也无法输入(换行、制表符等控制字符,零宽空格,方向控制符):代码、编号、人名和单位名称按原样比对、单行显示",
    },
    "nul_in_text": {
        "en": "field '{field}' holds the NUL character (U+0000), which a PostgreSQL store cannot keep",
        "zh": "字段 '{field}' 含有 NUL 字符(U+0000),PostgreSQL 数据库无法保存",
    },
    "too_long": {
        "en": "field '{field}' is {length} characters long, more than the {max} it may have",
        "zh": "字段 '{field}' 有 {length} 个字符,超过上限 {max}",
    },
    "bad_object": {
        "en": "field '{field}' must be an object",
        "zh": "字段 '{field}' 必须是对象",
    },
    "bad_list": {
        "en": "field '{field}' must be a list of {{key, start, end}}",
        "zh": "字段 '{field}' 必须是 {{key, start, end}} 的列表",
    },
    "method_required": {
        "en": "an inspection needs a 'method'",
        "zh": "督促检查(inspection)必须给出 'method'",
    },
    "conflict": {
        "en": "id '{id}' is already used by a different record ({where})",
        "zh": "id '{id}' 已被另一条内容不同的记录使用({where})",
    },
    "conflict_stored": {
        "en": "id '{id}' is already used by a different record of the store (log #{pos})",
        "zh": "id '{id}' 已被库中另一条内容不同的记录使用(日志位置 #{pos})",
    },
    "not_happened_yet": {
        "en": "it happened on {day}, after today ({today}): a record says what has happened, not what is planned",
        "zh": "发生日期 {day} 晚于今天({today}):记录的是已经发生的事,不是计划",
    },
    "entity_conflict_here": {
        "en": "{kind} '{key}' is made by an earlier record of this import ({where}): another one needs a new code",
        "zh": "{kind} '{key}' 已由本次导入中更早的一条记录建立({where}):另建须用新的编号",
    },
    "entity_conflict_stored": {
        "en": "{kind} '{key}' already exists, made by the record at log position {pos} (another one needs a new "
        "code; a record sent again is skipped only under its own id)",
        "zh": "{kind} '{key}' 已由日志位置 {pos} 的记录建立(另建须用新的编号;重发的记录须保持原 id 才会被跳过)",
    },
    "entity_conflict": {
        "en": "{kind} '{key}' already exists, made by another record (another one needs a new "
        "code; a record sent again is skipped only under its own id)",
        "zh": "{kind} '{key}' 已由另一条记录建立(另建须用新的编号;重发的记录须保持原 id 才会被跳过)",
    },
    # -- rules of the domain ------------------------------------------------------
    "no_campaign": {
        "en": "no campaign planned yet: the first record of a store must be CampaignPlanned",
        "zh": "尚未规划活动:库中的第一条记录必须是 CampaignPlanned",
    },
    "no_campaign_plan_refused": {
        "en": "no campaign: its plan ({where}) was refused",
        "zh": "尚无活动:其规划({where})未通过",
    },
    "second_campaign": {
        "en": "this store already holds campaign '{existing}', not '{campaign}' (a store holds"
        " one campaign; another goes into a store of its own)",
        "zh": "本库已是活动 '{existing}' 的库,不能再规划 '{campaign}'(一个库只有一个活动;"
        "另一个活动请用另一个库)",
    },
    "campaign_replanned": {
        "en": "campaign '{key}' is already planned, by another record: a store keeps the plan it"
        " was made with (its template as it then was, its windows, its time zone). To plan it"
        " otherwise, start a new store: write the records out (cxzy log --format jsonl), change"
        " the plan's line, and import them there",
        "zh": "活动 '{key}' 已由另一条记录规划:库中保存规划时的方案(当时的模板、各阶段起止、时区),"
        "不能改动。如要重新规划,请另建新库:导出全部记录(cxzy log --format jsonl),"
        "改好规划那一行,再导入新库",
    },
    "template_zone_not_given": {
        "en": "template '{template}' is for time zone {zone}, and this plan gives none, so the"
        " campaign would keep {default}'s days (the format's default): give \"timezone\":"
        ' "{zone}" (or the zone the campaign is in)',
        "zh": "模板 '{template}' 的时区为 {zone},而本条规划未写时区,活动将按 {default}"
        '(格式默认)计日:请写明 "timezone": "{zone}"(或活动所在地的时区)',
    },
    "second_campaign_here": {
        "en": "this import already plans campaign '{existing}' (at {where}); a store holds one "
        "campaign, so not '{campaign}' as well",
        "zh": "本次导入前面已规划活动 '{existing}'({where}):一个库只有一个活动,不能再规划 '{campaign}'",
    },
    "unknown_phase": {
        "en": "phase '{phase}' is not in template '{template}' (its phases: {known})",
        "zh": "模板 '{template}' 中没有阶段 '{phase}'(其阶段:{known})",
    },
    "phase_twice": {
        "en": "field '{field}': phase '{phase}' is given twice",
        "zh": "字段 '{field}':阶段 '{phase}' 出现了两次",
    },
    "bad_window": {
        "en": "phase '{phase}': end {end} is before start {start}",
        "zh": "阶段 '{phase}':结束 {end} 早于开始 {start}",
    },
    "unknown_template": {
        "en": "unknown template '{template}' (known: {known}); a template of your own is a"
        " file {template}.toml in {folder}, or in a folder $CXZY_TEMPLATES names",
        "zh": "未知模板 '{template}'(已有:{known});自定义模板应为文件 {template}.toml,"
        "放在 {folder} 或 $CXZY_TEMPLATES 所指的文件夹中",
    },
    # a campaign template's mistakes: where (its file, a phase, an item), then why
    # (in Chinese after 活动模板有误: the file's path says what it is)
    "tpl.source": {"en": "template {source}", "zh": "{source}"},
    "tpl.source_builtin": {"en": "template {source} (built in)", "zh": "内置 {source}"},
    "tpl.source_stored": {
        "en": "template {source} (as the store keeps it)",
        "zh": "数据库中保存的 {source}",
    },
    "tpl.named": {"en": "{text}", "zh": "{text}"},
    "tpl.phase": {"en": ": phase {phase}", "zh": ":阶段 {phase}"},
    "tpl.phase_n": {"en": ": phase {n}", "zh": ":第 {n} 个阶段"},
    "tpl.item": {"en": ", item {n}", "zh": ",第 {n} 项"},
    "tpl.item_key": {"en": ", item {n} ({key})", "zh": ",第 {n} 项({key})"},
    "tpl.toml": {"en": "{detail}", "zh": "TOML 写法有误:{detail}"},
    "tpl.toml_at": {
        "en": "{detail} (at line {line}, column {column})",
        "zh": "TOML 写法有误(第 {line} 行第 {column} 列):{detail}",
    },
    "tpl.not_utf8": {"en": "not UTF-8 text", "zh": "不是 UTF-8 文本"},
    "tpl.too_large": {
        "en": "{size} bytes: a template is at most {most}",
        "zh": "{size} 字节:模板文件最大 {most} 字节",
    },
    "tpl.not_a_file": {
        "en": "not a file (a link to nothing, a drive not mounted, a folder?)",
        "zh": "不是文件(指向不存在之处的链接、未挂载的驱动器,还是文件夹?)",
    },
    "tpl.unreadable": {"en": "cannot be read: {reason}", "zh": "无法读取:{reason}"},
    "tpl.key_mismatch": {
        "en": "key is {key}, expected '{expected}' (the file's name)",
        "zh": "key 为 {key},应为 '{expected}'(须与文件名相同)",
    },
    "tpl.builtin_key": {
        "en": "'{key}' is a built-in template's key: give yours a key of its own (its"
        " file's name and its key =), or take it out of the folder",
        "zh": "'{key}' 是内置模板的 key:请给自己的模板另取一个 key(文件名须与 key 相同),"
        "或将该文件移出此文件夹",
    },
    "tpl.unknown_settings": {
        "en": "unknown setting(s) {names} (known: {known})",
        "zh": "未知设置 {names}(可用:{known})",
    },
    "tpl.name_not_text": {
        "en": "{setting} must be a string or a table of strings per language",
        "zh": '{setting} 须为一段文字,或按语言分写的表(如 {{ zh = "…", en = "…" }})',
    },
    "tpl.name_languages": {
        "en": "{setting}: {names} is no language of the interface (zh, en)",
        "zh": "{setting}:{names} 不是界面所用的语言(zh、en)",
    },
    "tpl.name_empty": {"en": "{setting} is empty", "zh": "{setting} 为空"},
    "tpl.name_unseen": {
        "en": "{setting} holds {chars}, which no one can see or type (a control character such"
        " as a line break or a tab, a zero-width space, a direction mark): names are shown on"
        " one line",
        "zh": "{setting} 含有 {chars},这类字符看不见、也无法输入(换行、制表符等控制字符,零宽空格,"
        "方向控制符):名称须单行显示",
    },
    "tpl.needs_short": {
        "en": "{setting} '{text}' is too long to head a column: give the phase a short name of"
        ' at most {most} cells (short = {{ zh = "…", en = "…" }}; a Chinese character'
        " takes two)",
        "zh": "{setting} '{text}' 太长,不能作列标题:请给该阶段写一个不超过 {most} 格的简称"
        '(short = {{ zh = "…", en = "…" }};一个汉字占两格)',
    },
    "tpl.date_with_time": {
        "en": "{setting}: expected a date YYYY-MM-DD without a time of day, got {value}",
        "zh": "{setting}:须为不带时刻的日期(YYYY-MM-DD),实为 {value}",
    },
    "tpl.too_many_phases": {
        "en": "{count} phases: a campaign has at most {most}",
        "zh": "共 {count} 个阶段:一项活动最多 {most} 个阶段",
    },
    "tpl.too_many_items": {
        "en": "{count} items: a phase has at most {most}",
        "zh": "共 {count} 项:一个阶段最多 {most} 项",
    },
    "tpl.same_records": {
        "en": "item {key} counts the same records ({what}) as item {other} of phase {other_phase}:"
        " an item is met by a unit's first such record, whenever it was held, so one record"
        " meets both (the later one before its phase begins); give each its own kind",
        "zh": "事项 {key} 与阶段 {other_phase} 的事项 {other} 统计同一类记录({what}):"
        "事项以该单位最早的一条此类记录为准,不论何时举行,一条记录即同时满足两项"
        "(后一项在其阶段开始前就已满足);请为每一项另设类别",
    },
    "tpl.not_a_date": {
        "en": "{setting}: expected a date YYYY-MM-DD, got {value}",
        "zh": "{setting}:{value} 不是有效日期(YYYY-MM-DD)",
    },
    "tpl.item_not_table": {
        "en": "an item must be a table",
        "zh": "事项须写成 {{ key = …, … }} 形式的表",
    },
    "tpl.item_needs_key": {
        "en": "item needs a key: a text without spaces",
        "zh": "事项缺少 'key',或 key 无效:须为不含空格的文字",
    },
    "tpl.has_or_all_closed": {
        "en": "give exactly one of 'has' or 'all_closed'",
        "zh": "'has' 与 'all_closed' 须写且只写一个",
    },
    "tpl.bad_has": {
        "en": "'has' must be activity, review or public_commitment, got {value}",
        "zh": "'has' 须为 activity、review 或 public_commitment,实为 {value}",
    },
    "tpl.has_needs_kind": {
        "en": "'has = {has}' needs a 'kind'",
        "zh": "'has = {has}' 需要写 'kind'",
    },
    "tpl.unknown_review_kind": {
        "en": "unknown review kind {kind} (known: {known})",
        "zh": "未知评议类型 {kind}(可用:{known})",
    },
    "tpl.self_chosen_item": {
        "en": "'self_chosen' cannot be a checklist item",
        "zh": "'self_chosen'(自选动作)不能作为清单事项",
    },
    "tpl.bad_all_closed": {
        "en": "'all_closed' must be rectifications or commitments, got {value}",
        "zh": "'all_closed' 须为 rectifications 或 commitments,实为 {value}",
    },
    "tpl.deadline_outside": {
        "en": "deadline {deadline} lies outside the phase window",
        "zh": "期限 {deadline} 不在本阶段起止之内",
    },
    "tpl.bad_scope": {
        "en": "scope must be 'all' or a unit kind ({known}), got {value}",
        "zh": "scope 须为 'all' 或单位类型({known}),实为 {value}",
    },
    "tpl.missing_key": {"en": "missing 'key'", "zh": "缺少 'key'"},
    "tpl.bad_timezone": {"en": "unknown time zone {value}", "zh": "未知时区 {value}"},
    "tpl.machine_timezone": {
        "en": "time zone {value} is the zone of whichever machine reads the store, not a "
        "place's: give the campaign's, such as 'Asia/Shanghai'",
        "zh": "时区 {value} 指读取数据库的那台机器自己的时区,而不是某地的时区:请给出活动所在地的时区,如 'Asia/Shanghai'",
    },
    "tpl.bad_days": {
        "en": "{setting} must be a whole number from 0 to {most}",
        "zh": "{setting} 须为 0 到 {most} 之间的整数",
    },
    "tpl.needs_phases": {
        "en": "needs at least one [[phases]] table",
        "zh": "至少需要一个 [[phases]] 表",
    },
    "tpl.phase_needs_key": {
        "en": "needs a key: a text without spaces",
        "zh": "缺少 'key',或 key 无效:须为不含空格的文字",
    },
    "tpl.ends_before_start": {
        "en": "ends ({end}) before it starts ({start})",
        "zh": "结束({end})早于开始({start})",
    },
    "tpl.starts_before_previous": {
        "en": "starts before the previous phase ends",
        "zh": "在上一阶段结束之前开始",
    },
    "tpl.duplicate_phase": {"en": "duplicate phase key", "zh": "阶段 key 重复"},
    "tpl.needs_items": {"en": "needs a list of items", "zh": "需要事项列表 items"},
    "tpl.item_twice": {"en": "item key {key} is used twice", "zh": "事项 key {key} 重复"},
    "tpl.bad_activity_kinds": {
        "en": "activity_kinds must be a list of strings",
        "zh": "activity_kinds 须为文字列表",
    },
    "unknown_template_meant": {
        "en": "unknown template '{template}': did you mean '{meant}'?",
        "zh": "未知模板 '{template}':是否是指 '{meant}'?",
    },
    "unknown_template_env": {
        "en": "unknown template '{template}': $CXZY_TEMPLATES names {folder}, which is not a"
        " folder (a file's path, or a folder gone?)",
        "zh": "未知模板 '{template}':$CXZY_TEMPLATES 所指的 {folder} 不是文件夹"
        "(是文件路径,还是文件夹已不在?)",
    },
    "unknown_template_key": {
        "en": "'{template}' is no template's key: a key, and its file's name, are written in"
        " Latin letters, digits, '.', '_' and '-' (known: {known})",
        "zh": "'{template}' 不是模板的 key:key 及其文件名只能用拉丁字母、数字、'.'、'_' 和 '-'"
        "(已有:{known})",
    },
    "bad_timezone": {"en": "unknown time zone '{timezone}'", "zh": "未知时区 '{timezone}'"},
    "machine_timezone": {
        "en": "time zone '{timezone}' is the zone of whichever machine reads the store, not a "
        "place's: give the campaign's, such as 'Asia/Shanghai'",
        "zh": "时区 '{timezone}' 指读取数据库的那台机器自己的时区,而不是某地的时区:请给出活动所在地的时区,如 'Asia/Shanghai'",
    },
    "unknown_unit": {
        "en": "unit '{unit}' is not registered",
        "zh": "单位 '{unit}' 尚未登记",
    },
    "unit_name_for_code": {
        "en": "'{unit}' is not a unit's code but a unit's name (code {codes}): a record names a unit by its code",
        "zh": "'{unit}' 不是单位代码,而是单位名称(代码 {codes}):记录里的单位请填单位代码",
    },
    "unit_registered": {
        "en": "unit '{unit}' is already registered",
        "zh": "单位 '{unit}' 已经登记过",
    },
    "unit_look_alike": {
        "en": "unit '{unit}' differs from the registered unit '{existing}' only in case or width: use '{existing}', or a code of its own",
        "zh": "单位 '{unit}' 与已登记的单位 '{existing}' 只有大小写或全角半角之别:请用 '{existing}',或另取代码",
    },
    "unknown_unit_alike": {
        "en": "unit '{unit}' is not registered; the registered unit '{existing}' differs from it only in case or width: use '{existing}'",
        "zh": "单位 '{unit}' 尚未登记;已登记的单位 '{existing}' 与它只有大小写或全角半角之别:请用 '{existing}'",
    },
    "unit_full_width": {
        "en": "unit code '{unit}' has full-width characters: the units' workbooks and CSV files read them as '{plain}', and could never name it; register it as '{plain}'",
        "zh": "单位代码 '{unit}' 含全角字符:各单位的工作簿和 CSV 文件把它读作 '{plain}',将永远对不上;请登记为 '{plain}'",
    },
    "due_before_made": {
        "en": "due date {due} is before the commitment was made ({made}): a slip of the year or the month?",
        "zh": "兑现期限 {due} 早于承诺作出之日({made}):年份或月份写错了?",
    },
    "deadline_before_opened": {
        "en": "deadline {deadline} is before the rectification was opened ({opened}): a slip of the year or the month?",
        "zh": "整改期限 {deadline} 早于整改开始之日({opened}):年份或月份写错了?",
    },
    "outside_sender": {
        "en": "a file sent in by unit '{sender}' (--unit) may hold only records about it or"
        " a unit under it: this one is about '{unit}'",
        "zh": "单位 '{sender}' 报来的文件(--unit)只能有关于它及其下属单位的记录:这条关于 '{unit}'",
    },
    "unknown_sender": {
        "en": "--unit: unit '{unit}' is not registered in the store (a unit that a file"
        " registers cannot send it: the office imports the file that registers it)",
        "zh": "--unit:库中没有登记单位 '{unit}'(文件里才登记的单位不能作为报送单位:"
        "登记它的文件由办公室导入)",
    },
    "no_store_for_sender": {
        "en": "no store at {store}, so no unit '{unit}' (--unit) in it: is the store right?",
        "zh": "{store} 处没有数据库,也就没有单位 '{unit}'(--unit):数据库是否写对?",
    },
    "outside_sender_top": {
        "en": "a file sent in by unit '{sender}' (--unit) may hold only records about it or"
        " a unit under it: this one registers '{unit}' at the top, under no unit",
        "zh": "单位 '{sender}' 报来的文件(--unit)只能有关于它及其下属单位的记录:"
        "这条把 '{unit}' 登记为不隶属任何单位的顶层单位",
    },
    "sender_superiors_record": {
        "en": "a file sent in by unit '{sender}' (--unit) may not hold this record ({what}):"
        " the office or a superior records it, not the unit",
        "zh": "单位 '{sender}' 报来的文件(--unit)不能有“{what}”记录:它由办公室或上级录入,"
        "不由单位自己报",
    },
    "unit_registered_later": {
        "en": "unit '{unit}' is registered only on {registered}: a record of it cannot"
        " happen before",
        "zh": "单位 '{unit}' {registered} 才登记:有关它的记录不能发生在登记之前",
    },
    "parent_registered_later": {
        "en": "parent unit '{parent}' is registered only on {registered}: a unit under it"
        " cannot be registered before",
        "zh": "上级单位 '{parent}' {registered} 才登记:下属单位不能登记在它之前",
    },
    "person_assigned_later": {
        "en": "'{person}' joins the leading group only on {assigned}: a contact point or"
        " visit of theirs cannot happen before",
        "zh": "'{person}' {assigned} 才加入领导小组:其联系点或走访不能发生在此之前",
    },
    "unit_own_parent": {
        "en": "unit '{unit}' cannot be its own parent",
        "zh": "单位 '{unit}' 不能是自己的上级单位",
    },
    "unknown_parent_alike": {
        "en": "parent unit '{parent}' is not registered; the registered unit '{existing}' differs from it only in case or width: use '{existing}'",
        "zh": "上级单位 '{parent}' 尚未登记;已登记的单位 '{existing}' 与它只有大小写或全角半角之别:请用 '{existing}'",
    },
    "unknown_parent": {
        "en": "parent unit '{parent}' must be registered first",
        "zh": "上级单位 '{parent}' 必须先登记",
    },
    "second_bureau": {
        "en": "unit '{unit}': there is already a bureau ('{bureau}')",
        "zh": "单位 '{unit}':已有局级单位 '{bureau}'",
    },
    "bureau_with_parent": {
        "en": "unit '{unit}' is the bureau, the top unit: it has no parent ('{parent}')",
        "zh": "单位 '{unit}' 是局级单位(最上级),不能有上级单位('{parent}')",
    },
    "person_opened_later": {
        "en": "'{key}' is given a role in the leading group only later in this import"
        " ({where}, on {day}): a contact point or visit of theirs must come after it, and not"
        " be dated before it",
        "zh": "'{key}' 在本次导入中较后才有领导小组分工({where},{day}):其联系点或走访须在其后,"
        "日期也不能早于它",
    },
    "person_opening_refused": {
        "en": "'{key}' was never given a role in the leading group: the record that gives it"
        " ({where}) was refused",
        "zh": "'{key}' 未曾有领导小组分工:给出分工的记录({where})已被拒绝",
    },
    "unknown_person": {
        "en": "'{person}' has no LeaderAssigned record yet",
        "zh": "'{person}' 尚无 LeaderAssigned(领导小组分工)记录",
    },
    "unknown_person_alike": {
        "en": "'{key}' has no LeaderAssigned record; '{existing}', who has one, differs only"
        " in case, width or spaces: write the name as '{existing}'",
        "zh": "'{key}' 尚无 LeaderAssigned(领导小组分工)记录;已有记录的 '{existing}'"
        " 与它只有大小写、全角半角或空格之别:请写作 '{existing}'",
    },
    "activity_kind_named": {
        "en": "'{kind}' is the name of the activity kind {named}: give its code, {named}"
        " (a spreadsheet's cell may hold the name once the store holds the campaign)",
        "zh": "'{kind}' 是活动类型 {named} 的名称:此处请写代码 {named}"
        "(数据库中已有本活动后,表格的单元格里可直接写名称)",
    },
    "unknown_activity_kind": {
        "en": "activity kind '{kind}' is not in the campaign's template as planned (one of:"
        " {kinds}; cxzy store template prints it)",
        "zh": "活动类型 '{kind}' 不在本活动规划时的模板中(可用:{kinds};cxzy store template 可查看该模板)",
    },
    "unknown_commitment": {
        "en": "commitment '{commitment}' was never made",
        "zh": "承诺 '{commitment}' 不存在",
    },
    "unknown_rectification": {
        "en": "rectification '{rectification}' was never opened",
        "zh": "整改 '{rectification}' 不存在",
    },
    "unknown_commitment_alike": {
        "en": "commitment '{key}' was never made; the commitment '{existing}' differs from it only in case or width: use '{existing}'",
        "zh": "承诺 '{key}' 不存在;已有的承诺 '{existing}' 与它只有大小写或全角半角之别:请用 '{existing}'",
    },
    "unknown_rectification_alike": {
        "en": "rectification '{key}' was never opened; the rectification '{existing}' differs from it only in case or width: use '{existing}'",
        "zh": "整改 '{key}' 不存在;已有的整改 '{existing}' 与它只有大小写或全角半角之别:请用 '{existing}'",
    },
    "commitment_look_alike": {
        "en": "commitment '{key}' differs from the commitment '{existing}' only in case or width: use '{existing}' for its records, or an id of its own",
        "zh": "承诺 '{key}' 与已有的承诺 '{existing}' 只有大小写或全角半角之别:有关它的记录请用 '{existing}',或另取编号",
    },
    "rectification_look_alike": {
        "en": "rectification '{key}' differs from the rectification '{existing}' only in case or width: use '{existing}' for its records, or an id of its own",
        "zh": "整改 '{key}' 与已有的整改 '{existing}' 只有大小写或全角半角之别:有关它的记录请用 '{existing}',或另取编号",
    },
    "after_refused": {
        "en": "{said} ({where}, the record before it about {kind} '{key}', was refused: this one may have followed it)",
        "zh": "{said}(关于{kind} '{key}' 的前一条记录 {where} 已被拒绝:本条可能是接着它写的)",
    },
    "commitment_opened_later": {
        "en": "commitment '{key}' is made only later in this import ({where}, on {day}): its records must come after it, and not be dated before it",
        "zh": "承诺 '{key}' 在本次导入中较后才作出({where},{day}):有关它的记录须在其后,日期也不能早于它",
    },
    "rectification_opened_later": {
        "en": "rectification '{key}' is opened only later in this import ({where}, on {day}): its records must come after it, and not be dated before it",
        "zh": "整改 '{key}' 在本次导入中较后才开立({where},{day}):有关它的记录须在其后,日期也不能早于它",
    },
    "unit_opened_later": {
        "en": "unit '{key}' is registered only later in this import ({where}, on {day}): its"
        " records must come after it, and not be dated before it",
        "zh": "单位 '{key}' 在本次导入中较后才登记({where},{day}):有关它的记录须在其后,"
        "日期也不能早于它",
    },
    "unit_opening_refused": {
        "en": "unit '{key}' was never registered: the record that registers it ({where}) was"
        " refused",
        "zh": "单位 '{key}' 未曾登记:登记它的记录({where})已被拒绝",
    },
    "commitment_opening_refused": {
        "en": "commitment '{key}' was never made: the record that makes it ({where}) was refused",
        "zh": "承诺 '{key}' 未曾作出:作出它的记录({where})已被拒绝",
    },
    "rectification_opening_refused": {
        "en": "rectification '{key}' was never opened: the record that opens it ({where}) was "
        "refused",
        "zh": "整改 '{key}' 未曾开立:开立它的记录({where})已被拒绝",
    },
    "time_backwards": {
        "en": "time goes backwards: {at} is before the previous record of this entity ({last})",
        "zh": "时间倒退:{at} 早于该事项的上一条记录({last})",
    },
    "commitment_fulfilled": {
        "en": "commitment '{commitment}' is already fulfilled: nothing may follow",
        "zh": "承诺 '{commitment}' 已兑现,之后不能再有记录",
    },
    "rectification_closed_before": {
        "en": "rectification '{rectification}' was closed at {closed}: a record of it at {at}, before then, cannot follow its closing in the log (a life's records are imported in the order they happened)",
        "zh": "整改 '{rectification}' 已于 {closed} 销号:其 {at} 的记录早于销号,不能排在销号之后进入日志(同一事项的记录须按发生顺序导入)",
    },
    "commitment_fulfilled_before": {
        "en": "commitment '{commitment}' was fulfilled at {fulfilled}: a record of it at {at}, before then, cannot follow its fulfilment in the log (a life's records are imported in the order they happened)",
        "zh": "承诺 '{commitment}' 已于 {fulfilled} 兑现:其 {at} 的记录早于兑现,不能排在兑现之后进入日志(同一事项的记录须按发生顺序导入)",
    },
    "rectification_closed": {
        "en": "rectification '{rectification}' is closed: nothing may follow",
        "zh": "整改 '{rectification}' 已销号,之后不能再有记录",
    },
    "rectification_not_open": {
        "en": "rectification '{rectification}' is completed and awaits verification",
        "zh": "整改 '{rectification}' 已报完成,正在等待验收",
    },
    "rectification_not_completed": {
        "en": "rectification '{rectification}' is not completed: verify only after completion",
        "zh": "整改 '{rectification}' 尚未报完成,不能验收",
    },
    "deadline_not_later": {
        "en": "new deadline {deadline} is not later than the current one ({current})",
        "zh": "新期限 {deadline} 不晚于当前期限({current})",
    },
    "verifier_is_owner": {
        "en": "'{verifier}' owns rectification '{rectification}' and may not verify it",
        "zh": "'{verifier}' 是整改 '{rectification}' 的责任人,不能自行验收",
    },
    "verifier_is_owner_as": {
        "en": "'{verifier}' is '{owner}', who owns rectification '{rectification}', and may"
        " not verify it (a person's name is read in any case and width, without spaces)",
        "zh": "'{verifier}' 即整改 '{rectification}' 的责任人 '{owner}',不能自行验收"
        "(人名不分大小写、全角半角,不计空格)",
    },
    "escalation_before_deadline": {
        "en": "{action} on {day}: the deadline {deadline} has not passed",
        "zh": "{day} 的{action}无效:期限 {deadline} 尚未过去",
    },
    "escalated_already": {
        "en": "rectification '{rectification}' was already escalated to {action}",
        "zh": "整改 '{rectification}' 已经{action}过",
    },
    "accountability_first": {
        "en": "accountability needs an earlier public_criticism of '{rectification}'",
        "zh": "问责(accountability)之前须先通报批评(public_criticism)'{rectification}'",
    },
    # -- the command line and the store -------------------------------------------
    "option_value": {"en": "{option}: {reason}", "zh": "{option}:{reason}"},
    "known_at_as_of_today": {
        "en": "note: figures as of today ({day}), counting only what the store held at"
        " --known-at; for that moment's own day, add --as-of {then}",
        "zh": "提示:按今天({day})计算,只计入 --known-at 时刻库中已有的记录;"
        "要看该时刻当天的数字,请加 --as-of {then}",
    },
    "bad_date_option": {
        "en": "'{value}' is not a date (2011-03-01, 2011/3/1 or 2011年3月1日)",
        "zh": "'{value}' 不是有效日期(可写作 2011-03-01、2011/3/1 或 2011年3月1日)",
    },
    "day_out_of_range": {
        "en": "'{value}' is outside {first} … {last}",
        "zh": "'{value}' 不在 {first} 至 {last} 之间",
    },
    "no_such_month_option": {
        "en": "'{value}' names month {month}, and there is none (01 to 12)",
        "zh": "'{value}' 中的月份 {month} 不存在(应为 01 至 12)",
    },
    "no_such_day_option": {
        "en": "there is no day '{value}': {month} has {days} days",
        "zh": "没有 '{value}' 这一天:{month} 只有 {days} 天",
    },
    "since_after_until": {
        "en": "--since {since} is after --until {until}: no record could match (the two swapped?)",
        "zh": "--since {since} 晚于 --until {until}:不会有任何记录符合(两者写反了?)",
    },
    "bad_moment_option": {
        "en": "'{value}' is not an ISO 8601 date or datetime (e.g. 2011-03-01T18:00:00+08:00)",
        "zh": "'{value}' 不是 ISO 8601 日期或时间(例如 2011-03-01T18:00:00+08:00)",
    },
    "future_moment_option": {
        "en": "'{value}' is still to come: the store can say what it knew at a moment up "
        "to now, not what it will know (for what it knows now, give no moment)",
        "zh": "'{value}' 尚未到来:数据库只能说明截至现在某一时刻已知的情况,"
        "不能说明将来(要看现在已知的情况,请不要指定时刻)",
    },
    "file_missing": {"en": "{file}: no such file", "zh": "{file}:文件不存在"},
    "stdin_closed": {
        "en": "- (standard input) is closed: nothing can be read from it (did what was "
        "to write into it fail?); nothing was imported",
        "zh": "- (标准输入)已关闭,无从读取(向它写入的程序是否失败了?);未导入任何内容",
    },
    "stdin_twice": {
        "en": "- (standard input) can be given once only",
        "zh": "- (标准输入)只能给一次",
    },
    "file_is_dir": {"en": "{file}: is a folder, not a file", "zh": "{file}:是文件夹,不是文件"},
    "file_unreadable": {"en": "{file}: cannot read: {reason}", "zh": "{file}:无法读取:{reason}"},
    "not_utf8": {"en": "line is not UTF-8 text", "zh": "该行不是 UTF-8 文本"},
    "no_schema": {
        "en": "{store}: the database has no schema {schema}; create it first "
        '({create}, see the README\'s "Many terminals")',
        "zh": "{store}:数据库中没有 schema {schema},请先创建"
        "({create},见 README「Many terminals」一节)",
    },
    "copy_no_source": {
        "en": "no store at {store} to copy: is SRC right?",
        "zh": "{store} 处没有可复制的数据库:SRC 是否写对?",
    },
    "no_store": {
        "en": "no store at {store}: import events first (cxzy import FILE, or cxzy demo)",
        "zh": "{store} 处没有数据库:请先导入事件(cxzy import 文件,或 cxzy demo)",
    },
    "store_is_dir": {
        "en": "store {store} is a folder; give a file path",
        "zh": "数据库 {store} 是文件夹,请给出文件路径",
    },
    "store_folder_missing": {
        "en": "cannot create store {store}: its folder {folder} is not there (a path "
        "typed wrong, or a drive not mounted?); make the folder first if a new store is "
        "meant there",
        "zh": "无法创建数据库 {store}:其所在文件夹 {folder} 不存在(路径写错,还是驱动器未挂载?);"
        "如确要在那里新建数据库,请先建好该文件夹",
    },
    "store_link_loop": {
        "en": "store {store} is a symbolic link to {target}, whose links lead back round "
        "in a loop: give the store's file",
        "zh": "数据库 {store} 是指向 {target} 的符号链接,而链接兜了一圈又回到原处:请给出数据库文件本身",
    },
    "store_not_a_file": {
        "en": "store {store} is not a file (a device or a pipe); give a file path",
        "zh": "数据库 {store} 不是文件(而是设备或管道),请给出文件路径",
    },
    "store_unwritable": {
        "en": "cannot create store {store}: {reason}",
        "zh": "无法创建数据库 {store}:{reason}",
    },
    "not_a_store": {
        "en": "{store} is not a cxzy store (left untouched)",
        "zh": "{store} 不是 cxzy 数据库(未做任何改动)",
    },
    "store_disk_error": {
        "en": "cannot open store {store}: disk I/O error. Is the disk full, or failing? "
        "Even to read a store, SQLite needs a little room beside it (its -shm file)",
        "zh": "无法打开数据库 {store}:磁盘读写出错。磁盘是否已满或有故障?"
        "即使只是读取,SQLite 也需要在数据库旁留出少量空间(它的 -shm 文件)",
    },
    "store_unreadable": {
        "en": "cannot open store {store}: {reason}",
        "zh": "无法打开数据库 {store}:{reason}",
    },
    "store_format": {
        "en": "store {store} has format '{found}', which no version of cxzy writes (changed"
        " outside cxzy?); restore it from a backup",
        "zh": "数据库 {store} 的格式为 '{found}',任何版本的 cxzy 都不会写入这种格式(被绕过 cxzy"
        " 改动?);请从备份恢复",
    },
    "store_format_newer": {
        "en": "store {store} has format '{found}', written by a newer cxzy: upgrade cxzy here"
        " (pip install -U) to read it",
        "zh": "数据库 {store} 的格式为 '{found}',由更新版本的 cxzy 写入:请在本机升级 cxzy"
        "(pip install -U)后再读取",
    },
    "store_first_import_under_way": {
        "en": "{store}: its first import is under way and has not committed yet: the"
        " campaign appears when it does (try again in a moment)",
        "zh": "{store}:首次导入正在进行,尚未提交;提交后即可看到活动(请稍后重试)",
    },
    "store_has_no_campaign": {
        "en": "the store holds no campaign yet: import a CampaignPlanned record first",
        "zh": "库中尚无活动:请先导入 CampaignPlanned 记录",
    },
    "known_nothing": {
        "zh": "截至 {moment},库中尚无任何记录",
        "en": "the store held no record yet at {moment}",
    },
    "store_waiting": {
        "zh": "另一个程序正在写入数据库(导入、重建等),等它完成(最多 {seconds} 秒)……",
        "en": "another program is writing into the store (an import, a rebuild…): "
        "waiting for it (at most {seconds} s)…",
    },
    "store_busy": {
        "en": "another program has held the store {store} for too long; nothing was written, "
        "try again",
        "zh": "另一个程序占用数据库 {store} 时间过长,本次未写入任何内容,请稍后重试",
    },
    "spool_unwritable": {
        "en": "cannot copy {file} into the temporary folder {folder} to check it first: "
        "{reason} (TMPDIR names a folder with more room); nothing was written",
        "zh": "无法先把 {file} 复制到临时文件夹 {folder} 再检查:{reason}"
        "(可用 TMPDIR 指定空间更大的文件夹);未写入任何内容",
    },
    "store_failed": {"en": "the store failed: {reason}", "zh": "数据库出错:{reason}"},
    "template_broken": {"en": "broken campaign template: {reason}", "zh": "活动模板有误:{reason}"},
    "template_stored_broken": {
        "en": "{reason}; an import checks the template it keeps, so the read model's copy was"
        " edited outside cxzy: cxzy store rebuild makes it again from the log",
        "zh": "{reason};导入时已检查所保存的模板,因此读模型中的副本是绕过 cxzy 改动的:"
        "cxzy store rebuild 可据日志重新生成",
    },
    "internal_error": {
        "en": "internal error ({kind}: {reason}); please report it — CXZY_DEBUG=1 shows the details",
        "zh": "内部错误({kind}:{reason}),请报告此问题;设置 CXZY_DEBUG=1 可查看详情",
    },
    "unit_name_ambiguous": {
        "en": "several units bore the name '{name}' ({codes}): give a unit's code",
        "zh": "有多个单位用过名称“{name}”({codes}):请给出单位代码",
    },
    "no_records_jsonl": {
        "en": "note: {files} held no records (only comments or blank lines?)",
        "zh": "提示:{files} 中没有任何记录(只有注释或空行?)",
    },
    "no_records": {
        "en": "note: {files} held no records (only a header, notes or blank lines?)",
        "zh": "提示:{files} 中没有任何记录(只有表头、注释或空行?)",
    },
    "interrupted": {"en": "interrupted; nothing was written", "zh": "已中断,未写入任何内容"},
    "interrupted_showing": {"en": "interrupted", "zh": "已中断"},
    "out_of_memory": {
        "en": "cxzy ran out of memory; nothing it had not committed was written: close "
        "other programs or raise the limit (ulimit -v), and run it again",
        "zh": "cxzy 内存不足;尚未提交的内容均未写入:请关闭其他程序或放宽限制(ulimit -v)后重新运行",
    },
    "no_temporary_folder": {
        "en": "no folder for temporary files can be written (TMPDIR, /tmp, /var/tmp, "
        "/usr/tmp, nor the current one); nothing was written: set TMPDIR to a folder "
        "you may write",
        "zh": "没有可写入的临时文件夹(TMPDIR、/tmp、/var/tmp、/usr/tmp 及当前文件夹均不可写);"
        "未写入任何内容:请把 TMPDIR 设为您可写入的文件夹",
    },
    "dumb_terminal": {
        "en": "this terminal (TERM={term}) cannot draw the dashboard: the status table instead",
        "zh": "此终端(TERM={term})无法显示看板,改为输出状态表",
    },
    "input_not_terminal": {
        "en": "the standard input is not a terminal (redirected, or closed): the dashboard "
        "reads its keys there; the status table instead",
        "zh": "标准输入不是终端(被重定向或已关闭):看板从终端读取按键,改为输出状态表",
    },
    "terminated_showing": {
        "en": "stopped by a signal ({signal})",
        "zh": "收到终止信号({signal})已停止",
    },
    "interrupted_after": {
        "en": "interrupted after the writing was done and committed (log position {position}); nothing is half written",
        "zh": "已中断,但此前的写入已完成并提交(日志位置 {position});没有写了一半的内容",
    },
    "terminated_after": {
        "en": "stopped by a signal ({signal}) after the writing was done and committed (log position {position}); nothing is half written",
        "zh": "收到终止信号({signal})已停止,但此前的写入已完成并提交(日志位置 {position});没有写了一半的内容",
    },
    "terminated": {
        "en": "stopped by a signal ({signal}); nothing was written",
        "zh": "收到终止信号({signal})已停止,未写入任何内容",
    },
    "read_model_as_is": {
        "en": "this store's figures were made by an older cxzy (read model v{version}) and"
        " may not be made anew by you: shown as they are (without what this cxzy adds) until a command"
        " run by one who may write the store brings them up to date",
        "zh": "该数据库的统计数据由旧版 cxzy 生成(读模型 v{version}),你无权重建:按原样显示"
        "(不含新版所加内容),待有写权限的人运行任一 cxzy 命令后即更新",
    },
    "rebuilding": {
        "en": "this store's read model is missing or from another version of cxzy: "
        "rebuilding it from the log ({events:~event|events}; a minute or two at a million; "
        "an older cxzy refuses the store afterwards)…",
        "zh": "该数据库的读模型缺失或来自其他版本的 cxzy:正在按日志重建({events} 条事件;"
        "百万条约需一两分钟;此后较旧版本的 cxzy 将拒绝读写该数据库)……",
    },
    "verify_figures_busy": {
        "en": "another program has held the store {store} for too long: the figures were not "
        "compared, try again (the log was checked above)",
        "zh": "另一个程序占用数据库 {store} 时间过长:统计数据未比对,请稍后重试(日志已在上面校验)",
    },
    "verify_figures_file": {
        "en": "--figures makes the figures again in a transaction it then rolls back, which "
        "writes {store}: the file or its folder is read-only for you; the log was checked above",
        "zh": "--figures 会在一个随后回滚的事务中重算统计数据,需要写入 {store}:"
        "该文件或其所在文件夹对你只读;日志已在上面校验",
    },
    "verify_figures_writer": {
        "en": "--figures makes the figures again in a transaction it then rolls back, "
        "which needs a role that may write {store}; the log was checked above",
        "zh": "--figures 会在一个随后回滚的事务中重算统计数据,需要对 {store} "
        "有写权限的角色;日志已在上面校验",
    },
    "store_log_missing": {
        "en": "store {store} has lost the table of its log ({tables}): it was changed "
        "outside cxzy; restore it from a backup (nothing was changed)",
        "zh": "数据库 {store} 缺少其日志表({tables}):它在 cxzy 之外被改动过;"
        "请从备份恢复(未做任何改动)",
    },
    "store_chain_missing": {
        "en": "store {store} has lost the links of its hash chain ({tables} dropped outside "
        "cxzy; nothing was changed): they vouch for the log and cannot be made again from "
        "it. Restore the store from a backup; only if there is none, cxzy store rebuild "
        "chains the log as it now is (verify then says which links it made)",
        "zh": "数据库 {store} 缺少哈希链的链接(表 {tables} 在 cxzy 之外被删除;未做任何改动):"
        "它们为日志作证,无法由日志重新生成。请从备份恢复;只有在没有备份时,才用 cxzy store "
        "rebuild 按日志现状重新成链(之后 verify 会指出哪些链接是重建的)",
    },
    "store_commits_missing": {
        "en": "store {store} has lost the moments its imports committed (cx_commits dropped "
        'outside cxzy; nothing was changed): "as known at" and checkpoints read them. '
        "Restore the store from a backup; only if there is none, cxzy store rebuild makes "
        "the table again, empty (each record then counts from its recorded moment)",
        "zh": "数据库 {store} 缺少各次导入提交的时刻(表 cx_commits 在 cxzy 之外被删除;未做任何改动):"
        "“按某时刻所知”和检查点都读取它们。请从备份恢复;只有在没有备份时,才用 cxzy store rebuild "
        "重建该表(为空,之后每条记录按其入库时刻计)",
    },
    "store_figures_missing": {
        "en": "store {store} lacks tables of its figures ({tables}): they were dropped "
        "outside cxzy; nothing was changed. The log is not in them: cxzy store rebuild "
        "makes them again from it",
        "zh": "数据库 {store} 缺少统计数据表({tables}):它们在 cxzy 之外被删除;"
        "未做任何改动。日志不在其中:cxzy store rebuild 可由日志重新生成",
    },
    "pg_foreign_tables": {
        "en": "{store} holds tables named as cxzy's ({tables}) but is not a cxzy store "
        "(left untouched): use another database, or a schema of its own (?schema=NAME)",
        "zh": "{store} 中有与 cxzy 同名的表({tables}),但不是 cxzy 数据库(未做任何改动):"
        "请换一个数据库,或使用单独的 schema(?schema=名称)",
    },
    "pg_standby": {
        "en": "the PostgreSQL server of {store} is a standby, which only reads (during "
        "recovery): write into its primary; nothing was written",
        "zh": "{store} 的 PostgreSQL 服务器是只读的备用服务器(恢复中):请写入其主服务器;未写入任何内容",
    },
    "pg_no_connect": {
        "en": "role {user} may not connect to the database of {store}: ask the database's "
        "owner (GRANT CONNECT ON DATABASE {database} TO {user})",
        "zh": "角色 {user} 无权连接 {store} 所在的数据库:请数据库所有者授权"
        "(GRANT CONNECT ON DATABASE {database} TO {user})",
    },
    "pg_no_read": {
        "en": "role {user} may not read the tables of {store}: ask the database's owner "
        "(GRANT USAGE ON SCHEMA {schema} TO {user}; GRANT SELECT ON ALL TABLES IN "
        'SCHEMA {schema} TO {user}), see the README\'s "Many terminals"',
        "zh": "角色 {user} 无权读取 {store} 的表:请数据库所有者授权"
        "(GRANT USAGE ON SCHEMA {schema} TO {user}; GRANT SELECT ON ALL TABLES IN "
        "SCHEMA {schema} TO {user}),参见 README 的“Many terminals”",
    },
    "store_connection_lost": {
        "en": "lost the connection to {store} ({reason}): the command stopped there, and "
        "nothing it had not committed was written; run it again",
        "zh": "与 {store} 的连接中断({reason}):命令已停止,尚未提交的内容均未写入;请重新运行",
    },
    "read_model_made_meanwhile": {
        "en": "while this waited for the store, another cxzy made its figures anew "
        "(version {version}; this cxzy makes version {ours}); nothing was written: "
        "terminals with different versions of cxzy must not share a store (pip install -U "
        "where it is older; cxzy store rebuild by the newest)",
        "zh": "在本命令等待数据库期间,另一版本的 cxzy 重新生成了其统计数据(第 {version} 版;"
        "本 cxzy 为第 {ours} 版);未写入任何内容:不同版本的 cxzy 不可共用一个数据库"
        "(请升级较旧的一方:pip install -U;并由最新版运行 cxzy store rebuild)",
    },
    "store_written_by_older": {
        "en": "an older cxzy (its figures version {version}) wrote to {store} after it was "
        "upgraded, so its figures are out of step with its log; nothing was changed: "
        "upgrade cxzy where that was (pip install -U), then cxzy store rebuild makes them "
        "again from the log",
        "zh": "较旧版本的 cxzy(统计数据第 {version} 版)在数据库 {store} 升级后又写入了记录,"
        "其统计数据与日志不再一致;未做任何改动:请先升级那台机器上的 cxzy(pip install -U),"
        "再运行 cxzy store rebuild 由日志重新生成",
    },
    "store_newer": {
        "en": "{store} was written by a newer cxzy (its figures are version {version}; this "
        "cxzy makes version {ours}): upgrade cxzy here (pip install -U) to read it",
        "zh": "{store} 由较新版本的 cxzy 写入(其统计数据为第 {version} 版,本 cxzy 为第 {ours} 版):"
        "请先升级本机的 cxzy(pip install -U)再读取",
    },
    "store_read_only_role": {
        "en": "this store is read-only for you ({store}); nothing was written",
        "zh": "你对该数据库只有读权限({store}),未写入任何内容",
    },
    "copy_target_not_empty": {
        "en": "the target store {store} is not empty: copy into a new store",
        "zh": "目标数据库 {store} 不是空的:请复制到新的数据库",
    },
    "copy_same": {
        "en": "{store} is both the source and the target: copy into a new store",
        "zh": "{store} 既是源数据库又是目标数据库:请复制到新的数据库",
    },
    "copy_source_empty": {"en": "the source store holds no events", "zh": "源数据库中没有事件"},
    "copy_differs": {
        "en": "the copy differs from the source ({what}); {outcome}",
        "zh": "副本与源数据库不一致({what});{outcome}",
    },
    "copy_source_broken": {
        "en": "the source {store} fails cxzy verify at position {position} ({reason}): "
        "a copy would chain its log anew, as if whole; nothing was copied",
        "zh": "源数据库 {store} 在位置 {position} 未通过 cxzy verify({reason}):"
        "复制会把它的日志重新串成链,如同完好无损;未复制任何内容",
    },
    "copy_not_kept": {"en": "nothing was written", "zh": "未写入任何内容"},
    "copy_kept": {
        "en": "the copy was written to {target}: check both stores",
        "zh": "副本已写入 {target},请检查两个数据库",
    },
    "copied_source_unlike": {
        "en": "copied {events:~event|events} from {source} to {target}; the logs are "
        "identical, but the source's figures are not those its log gives ({tables}: "
        "changed outside cxzy): the copy's are made from the log (cxzy store rebuild "
        "mends the source's)",
        "zh": "已从 {source} 复制 {events} 条事件到 {target};日志一致,但源数据库的统计数据"
        "与其日志不符({tables}:曾在 cxzy 之外被改动):副本的统计数据按日志计算"
        "(cxzy store rebuild 可修复源数据库)",
    },
    "copied": {
        "en": "copied {events:~event|events} from {source} to {target}; log and status on {days:~day|days} identical",
        "zh": "已从 {source} 复制 {events} 条事件到 {target};日志及 {days} 个日期的状态一致",
    },
    "schema_twice": {
        "en": "{store}: the URL names more than one schema ({schemas}): name one",
        "zh": "{store}:地址中给了不止一个 schema({schemas}):请只给一个",
    },
    "schema_empty": {
        "en": "{store}: schema= names no schema (an unset variable?): name one, or leave "
        "schema= out for PostgreSQL's public schema",
        "zh": "{store}:schema= 后面没有名字(变量未设置?):请给出名字,或去掉 schema= 使用 PostgreSQL 的 public",
    },
    "schema_too_long": {
        "en": "{store}: a schema's name has at most {most} characters in PostgreSQL ({length} given)",
        "zh": "{store}:PostgreSQL 的 schema 名最多 {most} 个字符(给了 {length} 个)",
    },
    "schema_system": {
        "en": "{store}: {schema} is one of PostgreSQL's own schemas: name one of your own",
        "zh": "{store}:{schema} 是 PostgreSQL 自己的 schema:请另起一个名字",
    },
    "schema_reserved": {
        "en": "{store}: {schema} is a reserved word of SQL, which cannot name a schema here: "
        "name another",
        "zh": "{store}:{schema} 是 SQL 的保留字,不能在这里作 schema 名:请另起一个名字",
    },
    "schema_name": {
        "en": "{store}: a schema name of lower-case letters, digits and _ only, beginning with a letter or _, please ({schema} is not one)",
        "zh": "{store}:schema 名只能用小写字母、数字和下划线,并以字母或下划线开头({schema} 不符合)",
    },
    "pg_no_role": {
        "en": "{store}: PostgreSQL has no user {name} (give another in the URL: postgresql://USER@…)",
        "zh": "{store}:PostgreSQL 中没有用户 {name}(请在地址中换一个:postgresql://用户@…)",
    },
    "pg_no_database": {
        "en": "{store}: PostgreSQL has no database {name} (CREATE DATABASE {name}, or name another)",
        "zh": "{store}:PostgreSQL 中没有数据库 {name}(CREATE DATABASE {name},或换一个)",
    },
    "pg_password": {
        "en": "{store}: PostgreSQL refused the user's password",
        "zh": "{store}:PostgreSQL 拒绝了该用户的密码",
    },
    "pg_no_host": {
        "en": "{store}: no host named {name} is known (check the host in the URL)",
        "zh": "{store}:找不到名为 {name} 的主机(请检查地址中的主机名)",
    },
    "pg_role_limit": {
        "en": "{store}: PostgreSQL lets role {name} hold no more connections (its CONNECTION"
        " LIMIT; a cxzy command takes up to 6, the dashboard 3 or 4): close other sessions"
        " or raise it (ALTER ROLE {name} CONNECTION LIMIT 20)",
        "zh": "{store}:PostgreSQL 不允许角色 {name} 再建立连接(其 CONNECTION LIMIT;"
        "cxzy 每个命令最多用 6 个,看板 3 到 4 个):请关闭其他会话或调高上限"
        "(ALTER ROLE {name} CONNECTION LIMIT 20)",
    },
    "pg_server_full": {
        "en": "{store}: PostgreSQL at {server} takes no more connections (max_connections):"
        " try again when fewer sessions are open",
        "zh": "{store}:{server} 上的 PostgreSQL 已达连接上限(max_connections):请在会话减少后重试",
    },
    "pg_down": {
        "en": "{store}: no PostgreSQL answers at {server} (is the server running, and the port right?)",
        "zh": "{store}:{server} 上没有 PostgreSQL 应答(服务器是否在运行?端口是否正确?)",
    },
    "store_in_memory": {
        "en": "store {store} would be SQLite's in memory, gone when the command ends; give a file's path",
        "zh": "数据库 {store} 是 SQLite 的内存数据库,命令结束即消失;请给出文件路径",
    },
    "store_option_empty": {
        "en": "{option} is empty: give a file's path or a postgresql:// URL (an empty value is not the per-user store)",
        "zh": "{option} 为空:请给出文件路径或 postgresql:// 地址(空值不代表本用户的默认数据库)",
    },
    "dry_run_no_room": {
        "en": "store {store} may not be written, so a dry run checks against a copy of it in {folder}: it needs {needed:,} bytes there, {free:,} are free (set TMPDIR to a folder with room)",
        "zh": "数据库 {store} 不可写,试运行要在 {folder} 中用它的副本检查:需要 {needed:,} 字节,只有 {free:,} 字节可用(请把 TMPDIR 设为空间足够的文件夹)",
    },
    "store_folder_gone": {
        "en": "store {store} is named from the current folder, which is no longer there "
        "(deleted since the shell went into it): cd to a folder, or give the store's whole path",
        "zh": "数据库 {store} 是相对当前文件夹的路径,而当前文件夹已不存在(终端进入后被删除):"
        "请先 cd 到存在的文件夹,或写出数据库的完整路径",
    },
    "store_url_misspelt": {
        "en": "store '{store}' looks like a PostgreSQL URL but is not one: write it as "
        "postgresql://USER@HOST:PORT/DATABASE (the scheme in lower case, two slashes, "
        "nothing before it)",
        "zh": "数据库 '{store}' 像是 PostgreSQL 地址,但写法有误:应写作 "
        "postgresql://用户@主机:端口/数据库(协议名小写,两个斜杠,前面不留空格)",
    },
    "store_not_a_path": {
        "en": "store {store} is neither a file's path nor a postgresql:// URL (a SQLite store is named by its path alone)",
        "zh": "数据库 {store} 既不是文件路径,也不是 postgresql:// 地址(SQLite 数据库直接写文件路径)",
    },
    "store_url_options": {
        "en": "{store}: cxzy reads only ?schema=NAME from a store URL, not {names}; "
        "TLS and other connection settings come from libpq's environment "
        "(PGSSLMODE=require, PGSSLROOTCERT=FILE…)",
        "zh": "{store}:cxzy 只读取地址中的 ?schema=名称,不读取 {names};"
        "TLS 等连接设置请用 libpq 的环境变量(PGSSLMODE=require、PGSSLROOTCERT=文件…)",
    },
    "bad_store_url": {
        "en": "{store} is not a store URL like postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?schema=NAME]"
        " (in a user or password, each of : / ? # @ % is written as %XX: # as %23, / as %2F)",
        "zh": "{store} 不是形如 postgresql://用户[:密码]@主机[:端口]/数据库[?schema=模式] 的地址"
        "(用户名或密码中的 : / ? # @ % 须写成 %XX:# 写作 %23,/ 写作 %2F)",
    },
    # -- audit: the hash chain, verify, checkpoints, late records -----------------
    "verify_ok": {
        "en": "{count:~event|events} checked, head {head}",
        "zh": "已校验 {count} 条事件,链头 {head}",
    },
    "verify_extends": {
        "en": "the log extends checkpoint {position} (recorded {recorded})",
        "zh": "日志延续了检查点 {position}(入库时间 {recorded})",
    },
    "verify_rebuilt": {
        "en": "note: positions {first}–{last} were chained when the read model was rebuilt "
        "({at}), not as they were imported; only a checkpoint taken earlier vouches for them",
        "zh": "注意:位置 {first}–{last} 的哈希链是在重建读模型时({at})补算的,"
        "而非导入时写入;只有此前取得的检查点能为其作证",
    },
    "verify_rebuilt_unknown": {
        "en": "note: positions {first}–{last} are marked as chained when the read model was"
        " rebuilt (no rebuild's time is kept), not as they were imported; only a checkpoint"
        " taken earlier vouches for them",
        "zh": "注意:位置 {first}–{last} 的哈希链被标记为重建读模型时补算(未保存重建时间),"
        "而非导入时写入;只有此前取得的检查点能为其作证",
    },
    "verify_broken": {
        "en": "log broken at position {position}: {reason}",
        "zh": "日志在位置 {position} 处被破坏:{reason}",
    },
    "verify_unvouched": {
        "en": "checkpoint not borne out at position {position}: {reason}",
        "zh": "检查点在位置 {position} 处无法印证:{reason}",
    },
    "chain_missing": {
        "en": "the event at this position was removed",
        "zh": "该位置的事件已被删除",
    },
    "chain_unreadable": {
        "en": "the stored event cannot be read (altered)",
        "zh": "存储的事件无法读取(已被改动)",
    },
    "chain_unchained": {
        "en": "the event has no link in the hash chain (its link was removed, or the event "
        "was added outside cxzy)",
        "zh": "该事件在哈希链中没有链接(其链接被删除,或事件是绕过 cxzy 添加的)",
    },
    "commit_altered": {
        "en": "the moment the import of this position committed (cx_commits) was altered: "
        "it does not fit the log",
        "zh": "该位置所属导入的提交时刻(cx_commits)被改动:与日志不符",
    },
    "chain_truncated": {
        "en": "the log ends at position {end}, but the store had recorded events up to "
        "position {last}: events were removed from its end",
        "zh": "日志止于位置 {end},而库中曾记录到位置 {last}:日志末尾的事件已被删除",
    },
    "chain_altered": {
        "en": "the stored event differs from the one chained when it was recorded "
        "(altered, inserted, swapped or moved)",
        "zh": "存储的事件与入库时链入的不一致(被改动、插入、调换或移动)",
    },
    "chain_link_altered": {
        "en": "the chain's hash differs (the chain, a position or a recorded time was altered)",
        "zh": "哈希链不符(链本身、位置或入库时间被改动)",
    },
    "chain_outside": {
        "en": "the event was written without its chain link (added outside cxzy) and chained later",
        "zh": "该事件写入时没有链入哈希链(绕过 cxzy 添加),是事后补链的",
    },
    "chain_readmodel_added": {
        "en": "the read model shows a record here (cx_log) that the log does not hold: added "
        "outside cxzy (cxzy store rebuild makes the read model again from the log)",
        "zh": "读模型在此显示了一条日志中并不存在的记录(cx_log):在 cxzy 之外被添加"
        "(cxzy store rebuild 可由日志重新生成读模型)",
    },
    "chain_readmodel": {
        "en": "the read model's copy (cx_log: its id, digest, times, who, origin, summary, unit"
        " or entity) differs from the stored event (cxzy store rebuild makes it again from the"
        " log)",
        "zh": "读模型中的副本(cx_log:id、内容摘要、时间、记录人、来源、概述、单位或对象)"
        "与存储的事件不一致"
        "(cxzy store rebuild 可由日志重新生成)",
    },
    "checkpoint_differs": {
        "en": "the log does not extend the checkpoint: its hash at this position differs",
        "zh": "日志不再延续该检查点:此位置的哈希不同",
    },
    "checkpoint_time_differs": {
        "en": "the log holds the checkpoint's hash here, but the store held this position at "
        "{held}, not at {time} as the checkpoint says: the line's time was changed, or the "
        "moments the store keeps of its imports (cx_commits) were",
        "zh": "此位置的哈希与检查点相同,但库中持有此位置的时刻是 {held},而不是检查点所写的 "
        "{time}:检查点一行中的时间被改过,或库中所记的导入时刻(cx_commits)被改过",
    },
    "checkpoint_beyond": {
        "en": "the log ends before the checkpoint's position {checkpoint}: events were "
        "removed, or the checkpoint is not one of this store's",
        "zh": "日志在检查点位置 {checkpoint} 之前就结束了:有事件被删除,或该检查点并非取自本数据库",
    },
    "bad_checkpoint": {
        "en": "'{value}' is not a checkpoint (cxzy-checkpoint:POSITION:HASH:TIME, as printed "
        "by cxzy checkpoint)",
        "zh": "'{value}' 不是检查点(应为 cxzy checkpoint 输出的 cxzy-checkpoint:位置:哈希:时间)",
    },
    "checkpoint_empty": {
        "en": "the log is empty: there is nothing to checkpoint",
        "zh": "日志为空,无法生成检查点",
    },
    "checkpoint_refused": {
        "en": "no checkpoint: the log is broken (run cxzy verify)",
        "zh": "未生成检查点:日志已被破坏(请运行 cxzy verify)",
    },
    "head_hash": {"en": "head", "zh": "链头"},
    "log_header_origin": {"en": "origin", "zh": "来源"},
    "log_header_late": {"en": "late", "zh": "迟报"},
    "late_days": {"en": "+{days}d", "zh": "迟{days}天"},
    "store_read_only": {
        "en": "cannot write store {store} ({reason}): the file or its folder is read-only",
        "zh": "无法写入数据库 {store}({reason}):文件或其所在文件夹为只读",
    },
    "store_companion_read_only": {
        "en": "cannot write store {store}: {file} beside it is read-only (SQLite made it so "
        "when the store was read while it was read-only); make it writable, or remove it "
        "while no program has the store open",
        "zh": "无法写入数据库 {store}:其旁的 {file} 为只读(数据库只读时被读取,SQLite 按只读建了它);"
        "请把它改为可写,或在没有程序打开该数据库时删除它",
    },
    # (a reason, above: chmod 555 on the folder looks the same as a CD or a read-only mount)
    "read_only_media": {
        "en": "its folder cannot be written: read-only media, or no permission",
        "zh": "所在文件夹不可写:只读介质或无写权限",
    },
    "store_full": {
        "en": "cannot write store {store} ({reason}): is its disk full, or that of the "
        "temporary folder {temp} (SQLite's work files)? Nothing was written",
        "zh": "无法写入数据库 {store}({reason}):其所在磁盘或临时文件夹 {temp}(SQLite 的临时文件)"
        "是否已满?未写入任何内容",
    },
    "store_wal_left": {
        "en": "{wal} lies beside no store {store}: the write-ahead log of a store removed "
        "while a program had it open; SQLite would play it onto the store made under that "
        "name. Remove it (and its -shm) if that store is gone for good, then run this again; "
        "nothing was written",
        "zh": "{wal} 旁边没有数据库 {store}:这是某个数据库被删除时仍被程序打开而留下的预写日志;"
        "SQLite 会把它写进以该名称新建的数据库。若那个数据库确已不要,请删除它(及其 -shm)"
        "后重新运行;未写入任何内容",
    },
    "store_truncated": {
        "en": "store {store} is damaged: its log ends at position {head}, but the store had "
        "recorded events up to position {tracked} (events were removed from its end); "
        "restore it from a backup, then run cxzy verify",
        "zh": "数据库 {store} 已损坏:日志止于位置 {head},而库中曾记录到位置 {tracked}"
        "(日志末尾的事件已被删除);请从备份恢复,然后运行 cxzy verify",
    },
    "event_unreadable": {
        "en": "store {store} is damaged: the event at log position {position} cannot be read"
        " (altered outside cxzy); cxzy verify says more, and the store must be restored from"
        " a backup",
        "zh": "数据库 {store} 已损坏:日志位置 {position} 处的事件无法读取(被绕过 cxzy 改动);"
        "cxzy verify 可查明详情,须从备份恢复数据库",
    },
    "read_model_too_old": {
        "en": "store {store}'s figures were made by an older cxzy (read model v{version}),"
        " and you may not make them anew: a command run by one who may write the store"
        " brings them up to date (cxzy store rebuild)",
        "zh": "数据库 {store} 的统计数据由旧版 cxzy 生成(读模型 v{version}),而你无权重建:"
        "须由有写权限者运行一条命令(cxzy store rebuild)使其更新",
    },
    "entity_unreadable": {
        "en": "store {store} is damaged: an event of {kind} '{key}' cannot be read (altered"
        " outside cxzy); cxzy verify says where, and the store must be restored from a backup",
        "zh": "数据库 {store} 已损坏:{kind} '{key}' 的事件无法读取(被绕过 cxzy 改动);"
        "cxzy verify 可查明位置,须从备份恢复数据库",
    },
    "event_id_unreadable": {
        "en": "the store is damaged: a stored event's aggregate id '{id}' is not one cxzy"
        " writes (a row added or altered outside cxzy); restore the store from a backup",
        "zh": "数据库已损坏:存储的事件的聚合 id '{id}' 不是 cxzy 写入的(有记录被绕过 cxzy"
        " 添加或改动);须从备份恢复数据库",
    },
    "store_dangling_link": {
        "en": "store {store} is a symbolic link to {target}, which does not exist (a drive "
        "not mounted?); nothing was made",
        "zh": "数据库 {store} 是指向 {target} 的符号链接,而目标不存在(磁盘未挂载?);未做任何改动",
    },
    "store_figures_ahead": {
        "en": "store {store}'s figures already hold a row this import would write (cx_log "
        "shows a record the log does not: added outside cxzy); nothing was written. cxzy "
        "verify says where; cxzy store rebuild makes the figures again from the log",
        "zh": "数据库 {store} 的统计数据中已有本次导入要写入的行(cx_log 显示了日志中没有的记录:"
        "在 cxzy 之外被添加);未写入任何内容。cxzy verify 可查明位置;cxzy store rebuild 可由日志"
        "重新生成统计数据",
    },
    "store_figures_out_of_step": {
        "en": "store {store}'s figures hold its log up to position {held}, but are marked "
        "as made up to {tracked} (eventsourcing's tracking table, changed outside cxzy); "
        "nothing was changed. The log is not in them: cxzy store rebuild makes them again "
        "from it",
        "zh": "数据库 {store} 的统计数据已包含日志至位置 {held},却被标记为只生成到 {tracked}"
        "(eventsourcing 的 tracking 表在 cxzy 之外被改动);未做任何改动。日志不在其中:"
        "cxzy store rebuild 可由日志重新生成",
    },
    "rebuild_log_broken": {
        "en": "store {store}: log broken at position {position}: {reason}; no figures are"
        " made from events the hash chain does not vouch for: restore the store from a"
        " backup",
        "zh": "数据库 {store}:日志在位置 {position} 处被破坏:{reason};哈希链不能担保的事件"
        "不据以生成统计:请从备份恢复数据库",
    },
    "log_unprojectable": {
        "en": "store {store} is damaged: its events from log position {first} on break the"
        " campaign's rules (added, moved or altered outside cxzy); cxzy verify says where,"
        " and the store must be restored from a backup",
        "zh": "数据库 {store} 已损坏:日志位置 {first} 起的事件违反活动规则(被绕过 cxzy 添加、"
        "移动或改动);cxzy verify 可查明位置,须从备份恢复数据库",
    },
    "store_text_damaged": {
        "en": "a text of its column {column} is not the UTF-8 cxzy writes",
        "zh": "其 {column} 列中有文本不是 cxzy 写入的 UTF-8",
    },
    "store_damaged": {
        "en": "store {store} is damaged ({reason}); restore it from a backup, then run cxzy verify",
        "zh": "数据库 {store} 已损坏({reason});请从备份恢复,然后运行 cxzy verify",
    },
}

LABELS: dict[str, dict[str, str]] = {
    "done": {"zh": "完成", "en": "done"},
    "late": {"zh": "逾期完成", "en": "late"},
    "open": {"zh": "待完成", "en": "open"},
    "missed": {"zh": "已错过", "en": "missed"},
    "done_late": {"zh": "逾期完成", "en": "done late"},
    "pending": {"zh": "未开始", "en": "pending"},
    "at_risk": {"zh": "有风险", "en": "at risk"},
    "active": {"zh": "进行中", "en": "active"},
    "overdue": {"zh": "已逾期", "en": "overdue"},
    "unit": {"zh": "单位", "en": "unit"},
    "grade": {"zh": "等次", "en": "grade"},
    "commitments": {"zh": "承诺 兑现/总数/逾期", "en": "commitments fulfilled/total/overdue"},
    "rectifications": {
        "zh": "整改事项 未销号/总数/逾期/督办/升级",
        "en": "rectifications open/total/overdue/supervised/escalated",
    },
    "awards": {"zh": "表彰", "en": "awards"},
    "commitments_short": {"zh": "承诺", "en": "commit."},
    "rectifications_short": {"zh": "整改事项", "en": "rectif."},
    "status_legend": {
        "zh": "承诺 = 兑现/总数/逾期;整改事项 = 未销号/总数/逾期/督办/升级(通报批评或问责)",
        "en": "commit. = fulfilled/total/overdue; rectif. = open/total/overdue/supervised/escalated",
    },
    "advanced": {"zh": "先进", "en": "advanced"},
    "middle": {"zh": "中间", "en": "middle"},
    "lagging": {"zh": "后进", "en": "lagging"},
    "as_of": {"zh": "截至", "en": "as of"},
    "known_at": {"zh": "按库中记录时刻", "en": "as known at"},
    "position": {"zh": "日志位置", "en": "log position"},
    "no_units": {"zh": "(尚无单位)", "en": "(no units yet)"},
    "known_under_way": {
        "zh": "提示:{moment} 时有一次导入正在进行,于 {committed} 提交:其记录的入库时间早于该时刻,"
        "但当时库中尚未持有,未计入;--known-at {committed} 计入它们",
        "en": "note: an import was under way at {moment} and committed at {committed}: its "
        "records' recorded time is earlier, but the store did not hold them yet, and they are "
        "not counted; --known-at {committed} counts them",
    },
    "store_made": {
        "zh": "新建了数据库 {store}",
        "en": "made a new store at {store}",
    },
    "imported": {
        "zh": "已导入 {written} 条,跳过已存在 {skipped} 条(日志位置 {position})",
        "en": "imported {written:~record|records}, skipped {skipped} already present (log position {position})",
    },
    "file_given_twice": {
        "en": "note: {file} was given more than once: its records were read once",
        "zh": "提示:{file} 被多次给出:其中的记录只读取了一次",
    },
    "repeated": {
        "zh": "提示:本次导入中有 {count} 条记录与较早的一条完全相同,只记一次({where} 与 {first} "
        "相同);若确是两件事,请写明不同的时间或标题",
        "en": "note: {count:~record|records} of this import repeated an earlier one exactly, "
        "taken once ({where} repeats {first}); if they are two things, give them another time "
        "or title",
    },
    "repeated_by_id": {
        "zh": "提示:本次导入中有 {count} 条记录与较早的一条完全相同(id 与内容都相同),只记一次({where} "
        "与 {first} 相同);若确是两件事,请给每条不同的 id",
        "en": "note: {count:~record|records} of this import repeated an earlier one exactly (the "
        "same id and content), taken once ({where} repeats {first}); if they are two things, give "
        "each its own id",
    },
    "dry_run_copy": {
        "zh": "{store} 对你只读:先把它复制到一个临时文件,再对照检查(百万条约需几分钟)……",
        "en": "{store} is read-only for you: checking against a temporary copy of it (minutes at a million events)…",
    },
    "dry_run_ok": {
        "zh": "检查通过:将写入 {written} 条,跳过已存在 {skipped} 条(未写入,--dry-run)",
        "en": "valid: would write {written:~record|records}, skip {skipped} already present (dry run, nothing written)",
    },
    "refused": {
        "zh": "导入被拒绝:{count} 条记录有问题,未写入任何内容",
        "en": "import refused: {count:~bad record|bad records}, nothing written",
    },
    "more_problems": {
        "zh": "……另有 {count} 个问题未列出(全部问题:把标准错误重定向到文件,如 2> problems.txt)",
        "en": "… and {count:~more problem|more problems} not listed (all of them: redirect stderr to a file,"
        " e.g. 2> problems.txt)",
    },
    "reading": {"zh": "读取", "en": "reading"},
    "checking": {"zh": "校验", "en": "checking"},
    "writing": {"zh": "写入", "en": "writing"},
    "progress_verifying": {"zh": "校验哈希链", "en": "verifying the chain"},
    "progress_figures": {"zh": "按日志重算各项数字", "en": "recomputing the figures from the log"},
    "verify_figures_ok": {
        "zh": "各项数字与日志一致:已按日志重算读模型并逐表比对",
        "en": "the figures are those the log gives: the read model made again from the log and compared, table by table",
    },
    "verify_figures_unlike": {
        "zh": "以下表中的数字与日志不符:{tables}(读模型曾在 cxzy 之外被改动);cxzy store rebuild 可按日志重新计算",
        "en": "figures unlike those the log gives, in: {tables} (the read model was changed outside cxzy); cxzy store rebuild makes them again from the log",
    },
    "progress_copying": {"zh": "校验并复制事件", "en": "verifying and copying events"},
    "progress_rebuilding": {"zh": "重新计算统计数据", "en": "making the figures again"},
    "rebuilt": {
        "zh": "已由日志的 {events} 条事件重新计算 {store} 的统计数据",
        "en": "the figures of {store} made again from the log's {events:~event|events}",
    },
    "progress_reading_log": {"zh": "读取日志", "en": "reading the log"},
    "demo_read_only": {
        "zh": "您只能读取数据库 {store}:未载入演示历史,按其现状打开",
        "en": "you may only read the store {store}: the demo is not loaded into it; it opens"
        " as it is",
    },
    "demo_other_campaign": {
        "zh": "{store} 已是活动 '{existing}' 的数据库;演示是另一场活动,请载入单独的数据库:"
        "cxzy --store 演示.sqlite3 demo",
        "en": "{store} holds campaign '{existing}'; the demo is a campaign of its own: load it"
        " into a store of its own: cxzy --store demo.sqlite3 demo",
    },
    "demo_loaded": {
        "zh": "已载入演示历史:{written} 条新记录({skipped} 条已存在)→ {store}",
        "en": "demo history loaded: {written} new records ({skipped} already present) → {store}",
    },
    "log_header_pos": {"zh": "位置", "en": "pos"},
    "log_header_at": {"zh": "发生时间", "en": "at"},
    "log_header_type": {"zh": "类型", "en": "type"},
    "log_header_unit": {"zh": "单位", "en": "unit"},
    "log_header_summary": {"zh": "内容", "en": "summary"},
    "log_header_by": {"zh": "记录人", "en": "by"},
    "log_header_recorded": {"zh": "入库时间", "en": "recorded"},
    "log_empty": {"zh": "(没有符合条件的记录)", "en": "(no matching records)"},
    "log_columns_left_out": {
        "zh": "(此宽度下未显示的列:{columns};终端更宽时显示)",
        "en": "(columns not shown at this width: {columns}; a wider terminal shows them)",
    },
    # -- the dashboard -------------------------------------------------------------
    "tui_live": {"zh": "实时", "en": "LIVE"},
    "tui_offline": {"zh": "连接中断", "en": "OFFLINE"},
    "tui_store_gone": {"zh": "数据库已删除", "en": "STORE DELETED"},
    "tui_historical": {"zh": "历史视图", "en": "HISTORICAL VIEW"},
    "tui_past_day": {"zh": "回看 {day}", "en": "viewing {day}"},
    "tui_ahead": {"zh": "预看", "en": "AHEAD"},
    "tui_ahead_day": {
        "zh": "{day}:尚未到来,按现有记录推算期限",
        "en": "{day}: still to come, deadlines as recorded so far",
    },
    "tui_known_under_way": {
        "zh": "{moment} 时有一次导入正在进行,于 {held} 提交:其记录未计入(按 k 输入 {held} 可计入)",
        "en": "an import was under way at {moment}, committed at {held}: its records are not counted (k {held} counts them)",
    },
    "tui_known_at": {"zh": "按 {moment} 时库中所知", "en": "as the store knew it at {moment}"},
    "tui_replay": {"zh": "回放中 ×{speed}", "en": "REPLAY ×{speed}"},
    "tui_paused": {
        "zh": "回放已暂停于 {day}(按空格键继续)",
        "en": "replay paused at {day} (space resumes)",
    },
    "tui_step": {"zh": "步长:{step}", "en": "step: {step}"},
    "tui_day": {"zh": "日", "en": "day"},
    "tui_week": {"zh": "周", "en": "week"},
    "tui_month": {"zh": "月", "en": "month"},
    "tui_phase": {"zh": "阶段", "en": "phase"},
    "tui_current_phase": {"zh": "当前阶段", "en": "current phase"},
    "tui_stage_before": {"zh": "活动尚未开始", "en": "campaign not begun"},
    "tui_stage_between": {"zh": "两阶段之间", "en": "between phases"},
    "tui_stage_after": {"zh": "活动已结束", "en": "campaign over"},
    "tui_totals": {
        # (a no-break space keeps each count beside its name when the bar is broken)
        "zh": "单位完成(含逾期)/落后:{phases}  承诺逾期\u00a0{c_overdue}  整改事项 未销号\u00a0{r_open} 逾期\u00a0{r_overdue} 督办\u00a0{r_sup} 升级\u00a0{r_esc}",
        "en": "units done (incl. late)/behind: {phases}  commitments overdue\u00a0{c_overdue}  rectifications open\u00a0{r_open} overdue\u00a0{r_overdue} supervised\u00a0{r_sup} escalated\u00a0{r_esc}",
    },
    "tui_col_when": {"zh": "期限", "en": "when"},
    "tui_col_what": {"zh": "事项", "en": "what"},
    "tui_col_unit": {"zh": "单位", "en": "unit"},
    "tui_col_text": {"zh": "内容", "en": "text"},
    "tui_date_needs_day": {
        "zh": "date 后面要跟日期:date YYYY-MM-DD",
        "en": "date needs a day: date YYYY-MM-DD",
    },
    "tui_store_deleted": {
        "zh": "数据库文件 {store} 已被删除:显示的是删除前的状态;那里有了新的数据库即会显示",
        "en": "the store's file {store} was deleted: showing the state before; a new store there will be shown",
    },
    "tui_store_replaced": {
        "zh": "数据库文件 {store} 已被替换:现在显示新的文件",
        "en": "the store's file {store} was replaced: now showing the new one",
    },
    "tui_no_phase_before": {
        "zh": "{day} 之前没有阶段的开始或结束",
        "en": "no phase begins or ends before {day}",
    },
    "tui_no_phase_after": {
        "zh": "{day} 之后没有阶段的开始或结束",
        "en": "no phase begins or ends after {day}",
    },
    "tui_first_day": {
        "zh": "{day} 已是能显示的最早一天",
        "en": "{day} is the first day a view shows",
    },
    "tui_last_day": {
        "zh": "{day} 已是能显示的最后一天",
        "en": "{day} is the last day a view shows",
    },
    "tui_known_now_already": {
        "zh": "已在显示数据库现在所知的内容(k 后输入时刻,可查看当时所知)",
        "en": "already showing what the store knows now (k then a moment shows what it knew then)",
    },
    "tui_palette_none": {"zh": "没有相符的命令", "en": "No matches found"},
    "tui_speed_paused": {
        "zh": "回放速度 ×{speed}(按空格键开始回放)",
        "en": "replay speed ×{speed} (space plays)",
    },
    "tui_speed_fastest": {
        "zh": "已是最快回放速度 ×{speed}",
        "en": "×{speed} is the fastest replay",
    },
    "tui_speed_slowest": {
        "zh": "已是最慢回放速度 ×{speed}",
        "en": "×{speed} is the slowest replay",
    },
    "tui_log_last_page": {
        "zh": "已是最后一页:没有更早的记录",
        "en": "this is the last page: no older records",
    },
    "tui_log_first_page": {
        "zh": "已是第一页(最新的记录)",
        "en": "this is the first page (the newest records)",
    },
    "tui_log_last_page_oldest": {
        "zh": "已是最后一页:没有更新的记录",
        "en": "this is the last page: no newer records",
    },
    "tui_log_first_page_oldest": {
        "zh": "已是第一页(最早的记录)",
        "en": "this is the first page (the oldest records)",
    },
    "tui_disconnected": {
        "zh": "与数据库的连接已断开,正在重连…(显示的是断开前的状态)",
        "en": "connection to the store lost, reconnecting… (showing the state before)",
    },
    "tui_alerts": {"zh": "预警", "en": "Alerts"},
    "tui_alerts_filtered": {"zh": "筛选内", "en": "filtered"},
    "tui_more_open": {
        # (the count first: the panel's last column cut it, "……另有 251")
        "zh": "另有 {n} 项未办结……(按期限排序,仅列最紧急的)",
        "en": "{n} more open… (the most urgent are listed)",
    },
    # the alerts panel's cells: short, so that the alert's own text shows beside them
    "tui_alert_over": {"zh": "逾期{n}天", "en": "{n}d late"},
    "tui_alert_left": {"zh": "剩{n}天", "en": "{n}d left"},
    "tui_alert_commitment": {"zh": "承诺", "en": "commit."},
    "tui_alert_rectification": {"zh": "整改", "en": "rectif."},
    "tui_alert_missed": {"zh": "事项", "en": "items"},
    "tui_days_left": {"zh": "剩 {n} 天", "en": "{n}d left"},
    "tui_days_over": {"zh": "逾期 {n} 天", "en": "{n}d overdue"},
    "tui_supervised": {"zh": "督办", "en": "supervised"},
    "tui_log_whole": {
        "zh": "整个日志,含 {moment} 之后入库的记录",
        "en": "the whole log, records stored after {moment} included",
    },
    "tui_screenshot_saved": {"zh": "截图已保存:{path}", "en": "screenshot saved: {path}"},
    "tui_screenshot_failed": {
        "zh": "截图未能保存:{reason}",
        "en": "screenshot not saved: {reason}",
    },
    "tui_log_no_day": {
        "zh": "日志列出全部记录,不分日期:回看某天或某一时刻请按 Esc 回到总览",
        "en": "the log lists every record, whatever the day: Esc goes back to the overview to move in time",
    },
    "list_separator": {"zh": "、", "en": ", "},  # (between words listed in a line)
    "tui_flag_supervised": {"zh": "督办", "en": "sup."},
    "tui_flag_escalated": {"zh": "升级", "en": "esc."},
    "tui_commitments_title": {"zh": "承诺", "en": "Commitments"},
    "tui_rectifications_title": {"zh": "整改", "en": "Rectifications"},
    "tui_chart": {"zh": "各阶段完成率(按周)", "en": "Items done per phase, by week"},
    "tui_loading": {"zh": "读取中…", "en": "loading…"},
    "tui_empty_store": {
        "zh": "库中还没有活动。按 d 载入演示历史,按 q 退出。\n"
        "或在另一个终端导入活动的记录(cxzy import 文件),导入后即在此显示。",
        "en": "The store holds no campaign yet. Press d to load the demo history, q to quit.\n"
        "Or import your campaign's records in another terminal (cxzy import FILE):\n"
        "they appear here.",
    },
    "tui_no_history_yet": {
        "zh": "活动 {day} 才开始:还没有可回放的历史",
        "en": "the campaign begins on {day}: there is no history to replay yet",
    },
    "tui_no_store_yet": {
        "zh": "{store} 处还没有数据库。按 d 在此新建数据库并载入演示历史,按 q 退出。\n"
        "或在另一个终端把活动的记录导入这里(cxzy --store {store} import 文件),导入后即在此显示。",
        "en": "There is no store at {store} yet. Press d to make one there with the demo "
        "history, q to quit.\nOr import your campaign's records into it in another terminal "
        "(cxzy --lang en --store {store} import FILE): they appear here.",
    },
    "tui_no_store_read_only": {
        "zh": "{store} 处还没有数据库,而您不能在此新建:活动办公室把记录导入这里后即在此显示。按 q 退出。",
        "en": "There is no store at {store} yet, and you may not make one there: it appears "
        "here once the office imports its campaign's records into it. q quits.",
    },
    "tui_empty_read_only": {
        "zh": "数据库 {store} 中还没有活动,而您只能读取它:活动办公室导入记录后即在此显示。按 q 退出。",
        "en": "The store {store} holds no campaign yet, and you may only read it: the "
        "campaign appears here once the office imports its records. q quits.",
    },
    "tui_empty_named": {
        "zh": "数据库 {store} 中还没有活动。按 d 载入演示历史,按 q 退出。\n"
        "或在另一个终端导入活动的记录(cxzy import 文件),导入后即在此显示。",
        "en": "The store {store} holds no campaign yet. Press d to load the demo history, q to "
        "quit.\nOr import your campaign's records in another terminal (cxzy import FILE):\n"
        "they appear here.",
    },
    "tui_behind": {
        "zh": "读模型落后于日志 {n} 条;运行任何 cxzy 命令(如 cxzy status)即可补齐",
        "en": "the read model is {n:~event|events} behind the log; any cxzy command (e.g. cxzy status) brings it up to date",
    },
    "tui_unit_under": {"zh": "隶属:{chain}", "en": "under: {chain}"},
    "tui_part_title": {
        "zh": "本单位及所属单位合计({units} 个;总览中 /下属:{unit} 列出)",
        "en": "With the units under it, together ({units:~unit|units}; /under:{unit} in the overview lists them)",
    },
    "tui_part_caption": {
        "zh": "阶段 = 完成(含逾期)/落后的单位数;承诺 = 兑现/总数/逾期;整改事项 = 未销号/总数/逾期/督办/升级",
        "en": "phase = units done (incl. late)/behind; commit. = fulfilled/total/overdue; rectif. = open/total/overdue/supervised/escalated",
    },
    "tui_unit_title": {"zh": "{name}({unit})", "en": "{name} ({unit})"},
    "tui_checklist": {"zh": "各阶段清单", "en": "Checklist by phase"},
    "tui_col_id": {"zh": "编号", "en": "id"},
    "tui_nothing_known": {
        "zh": "{moment} 时库中还没有任何记录",
        "en": "nothing had been recorded yet at {moment}",
    },
    "tui_filter_unit": {"zh": "单位:{unit}", "en": "unit:{unit}"},
    "tui_no_units": {"zh": "截至 {day} 尚无单位登记", "en": "no unit registered by {day}"},
    "status_totals": {
        "zh": "合计 {units} 个单位:完成(含逾期)/落后 {phases}  承诺 {commitments}  整改事项 {rectifications}  表彰 {awards}",
        "en": "Together, {units:~unit|units}: done (incl. late)/behind {phases}  commitments {commitments}  rectifications {rectifications}  awards {awards}",
    },
    "unit_not_yet_registered": {
        "en": "unit '{unit}' is not registered by {day}, the day shown",
        "zh": "单位 '{unit}' 截至 {day}(所示日期)尚未登记",
    },
    "unit_not_yet_known": {
        "en": "unit '{unit}' is not registered by {day} in what the store had recorded at {at}",
        "zh": "截至 {at} 库中记录的内容里,单位 '{unit}' 在 {day} 之前尚未登记",
    },
    "subtree_without_unit": {
        "en": "--subtree widens --unit to the units under it: give --unit CODE",
        "zh": "--subtree 把 --unit 扩大到其所属单位:请同时给出 --unit 代码",
    },
    "tui_totals_filtered": {
        "zh": "筛选内\u00a0{units}\u00a0个单位:",
        "en": "filtered,\u00a0{units:~unit|units}:",
    },
    "tui_no_match": {
        "zh": "没有单位符合筛选“{text}”(/ 修改,留空则全部显示)",
        "en": "no unit matches “{text}” (/ to change, empty for all)",
    },
    "tui_filtered": {
        "zh": "筛选“{text}”:{shown} / {total} 个单位(/ 修改,留空则全部显示)",
        "en": "filter “{text}”: {shown} of {total:~unit|units} (/ to change, empty for all)",
    },
    "tui_record_title": {"zh": "日志第 {pos} 条记录", "en": "Record #{pos} of the log"},
    "tui_no_record": {"zh": "日志中没有第 {pos} 条记录", "en": "the log has no record #{pos}"},
    "tui_col_record": {"zh": "记录", "en": "record"},
    "tui_col_detail": {"zh": "内容", "en": "detail"},
    "tui_field_due": {"zh": "期限", "en": "due"},
    "tui_field_reason": {"zh": "原因", "en": "reason"},
    "tui_field_accepted": {"zh": "验收", "en": "verification"},
    "tui_field_action": {"zh": "措施", "en": "action"},
    "tui_ratings": {"zh": "五好评分", "en": "ratings"},
    "origin_line": {"zh": "第 {n} 行", "en": "line {n}"},
    "tui_visitor": {"zh": "走访领导", "en": "leader"},
    "tui_why_open": {"zh": "期限 {deadline},尚未完成", "en": "due {deadline}, not yet done"},
    "tui_why_missed": {
        "zh": "期限 {deadline} 已过,未完成",
        "en": "deadline {deadline} passed, not done",
    },
    "tui_closed_of": {"zh": "已销号 {closed}/{total}", "en": "{closed} of {total} closed"},
    "tui_fulfilled_of": {"zh": "已兑现 {closed}/{total}", "en": "{closed} of {total} fulfilled"},
    "tui_reported_late": {"zh": "迟报", "en": "reported late"},
    "tui_reviews": {"zh": "评议", "en": "Reviews"},
    "tui_activities": {"zh": "活动", "en": "Activities"},
    "tui_awards_title": {"zh": "表彰", "en": "Awards"},
    "tui_contact": {"zh": "联系点领导", "en": "contact-point leader"},
    "tui_visits": {"zh": "走访", "en": "Visits"},
    "tui_none": {"zh": "(无)", "en": "(none)"},
    "tui_latest_of": {
        "zh": "最近 {shown} 条,共 {total} 条;按 l 查看本单位全部记录",
        "en": "the latest {shown} of {total}; l shows all of this unit's records",
    },
    "tui_lives_of": {
        "zh": "未办结的 {open} 项全部列出,已办结的列最近 {closed} 项,共 {total} 项;按 l 查看本单位全部记录",
        "en": "all {open} open and the latest {closed} closed of {total}; l shows all of this unit's records",
    },
    "tui_lives_most_urgent": {
        "zh": "未办结的 {open} 项中列出最紧急的 {shown} 项,已办结的列最近 {closed} 项,共 {total} 项;按 l 查看本单位全部记录",
        "en": "the {shown} most urgent of {open} open and the latest {closed} closed of {total}; l shows all of this unit's records",
    },
    "tui_log_title": {"zh": "事件日志(最新在前)", "en": "Event log (newest first)"},
    "tui_log_title_oldest": {"zh": "事件日志(最早在前)", "en": "Event log (oldest first)"},
    "tui_log_page": {"zh": "第 {page} 页 · 每页 {size} 条", "en": "page {page} · {size} per page"},
    "tui_filter": {"zh": "筛选", "en": "filter"},
    "tui_grid_filter_help": {
        "zh": "筛选单位:代码或名称,或表中的状态(如 已逾期、有风险、后进;已逾期 也含有承诺或整改逾期的单位);下属:代码 为该单位及其所属单位",
        "en": "filter units: a code or name, or a status the grid shows (at risk, lagging; overdue: a phase, a commitment or a rectification); under:CODE for a unit and the units under it",
    },
    "tui_log_filter_help": {
        "zh": "筛选日志:单位:代码 下属:代码(该单位及其所属单位) 类型:类型 自:日期 至:日期 迟报:是 及任意文字(也可写 unit: under: type: since: until: late:)",
        "en": "filter the log: unit:CODE under:CODE (a unit and the units under it) type:TYPE since:DATE until:DATE late:yes and any text",
    },
    "tui_filter_late": {
        "zh": "{key}:{value}:应为 是 或 否(yes 或 no):只看迟报的记录,或只看按时报送的",
        "en": "{key}:{value}: give yes or no ({key}:yes: only the records reported late; {key}:no: those on time)",
    },
    "tui_log_none": {"zh": "没有符合条件的记录", "en": "no records match"},
    "tui_log_not_keys": {
        "zh": "{keys} 不是筛选键,已作为文字查找;筛选键:单位: 下属: 类型: 自: 至: 迟报:",
        "en": "{keys} is no filter key, looked for as text; the keys: unit: under: type: since: until: late:",
    },
    "empty_unit_option": {
        "zh": "为空:请给出单位代码或单位用过的名称(脚本中的变量未设置?)",
        "en": "empty: give a unit's code or a name it bore (a script's unset variable?)",
    },
    "unknown_type_option": {
        "zh": "没有 '{value}' 这种记录(可给日志所示的类型,如 作出承诺,或 CommitmentMade 这样的类型名)",
        "en": "no record type '{value}' (give a name like CommitmentMade, in any case, or its words: \"commitment made\")",
    },
    "tui_record_unreadable": {
        "zh": "日志位置 {pos} 的记录无法读取(原因见提示)",
        "en": "the record at log position {pos} could not be read (the notice says why)",
    },
    "tui_filter_empty": {
        "zh": "{key}: 后面要跟一个值(如 {key}:…),冒号后不能有空格",
        "en": "{key}: needs a value right after the colon ({key}:…)",
    },
    "tui_filter_reversed": {
        "zh": "since:{since} 晚于 until:{until}:不会有任何记录符合(两者写反了?)",
        "en": "since:{since} is after until:{until}: no record could match (the two swapped?)",
    },
    "tui_filter_twice": {
        "zh": "{key}: 给了两次({key}:{first} 与 {key}:{then}):每种筛选只能取一个值",
        "en": "{key}: given twice ({key}:{first} and {key}:{then}): the filter takes one of each",
    },
    "tui_unknown_type": {
        "zh": "没有 '{value}' 这种记录(type: 取日志中所示的类型,如 作出承诺,或 CommitmentMade 这样的类型名)",
        "en": "no record type '{value}' (type: takes a name like CommitmentMade)",
    },
    "tui_known_prompt": {
        "zh": "库中所知的时刻:YYYY-MM-DD[THH:MM[+08:00]] · 留空:库中现在所知",
        "en": "as known at: YYYY-MM-DD[THH:MM[+08:00]] · empty: what the store knows now",
    },
    "tui_command_help": {
        "zh": "命令:单位代码或名称 · 阶段(如 {phase},到其首日) · log · overview · date YYYY-MM-DD · known [时刻] · today · help · quit",
        "en": "commands: unit code or name · a phase ({phase}: its first day) · log · overview · date YYYY-MM-DD · known [MOMENT] · today · help · quit",
    },
    "tui_unknown_command": {
        "zh": "{text}:既不是命令、日期或阶段,也不是某单位的代码或名称(: 后可输入的见 ? 帮助)",
        "en": "{text}: no command, date, phase, or unit's code or name (? lists what : takes)",
    },
    "tui_several_units": {
        "zh": "有多个单位与 {text} 相符:{units};请给出单位代码",
        "en": "several units match {text}: {units}; give a unit's code",
    },
    "tui_help_title": {"zh": "按键", "en": "Keys"},
    "key_quit": {"zh": "退出", "en": "quit"},
    "tui_quit_title": {"zh": "要退出吗?", "en": "Do you want to quit?"},
    "tui_how_to_quit": {"zh": "按 {quit_key} 退出", "en": "Press {quit_key} to quit"},
    "key_help": {"zh": "帮助", "en": "help"},
    "key_command": {"zh": "命令", "en": "command"},
    "key_filter": {"zh": "筛选", "en": "filter"},
    "key_back": {"zh": "返回", "en": "back"},
    "key_click": {
        "zh": "鼠标:单击选中一行,再单击打开(同 Enter);点底栏的键同按该键;点帮助或记录框外关闭它",
        "en": "the mouse: a click highlights a row, another on it opens it (as Enter); a key in the footer acts as typed; a click beside the help or a record closes it",
    },
    "key_open": {"zh": "打开单位", "en": "open unit"},
    "key_open_help": {
        "zh": "打开单位(在表格或预警中);日志中打开记录(来源、入库时间)",
        "en": "open the unit (in the grid or the alerts); in the log, the record (origin, when recorded)",
    },
    "key_earlier": {"zh": "更早", "en": "earlier"},
    "key_later": {"zh": "更晚", "en": "later"},
    "key_step": {"zh": "步长", "en": "step"},
    "key_today": {"zh": "今天", "en": "today"},
    "key_play": {"zh": "回放/暂停", "en": "play/pause"},
    "palette_demo": {
        "zh": "把演示历史(甘肃煤田地质局,2010—2012)载入这个空数据库",
        "en": "load the demo history (the bureau, 2010–2012) into this empty store",
    },
    "palette_replay": {"zh": "回放/暂停", "en": "replay (play/pause)"},
    "palette_today": {
        "zh": "回到今天,实时显示新记录",
        "en": "back to today, new records shown live",
    },
    "palette_play": {
        "zh": "从所显示的日期起逐步回放活动历史(到结束时从头开始)",
        "en": "replay the history from the day shown (from the first day at the end)",
    },
    "key_faster": {"zh": "加速", "en": "faster"},
    "key_slower": {"zh": "减速", "en": "slower"},
    "key_log": {"zh": "日志", "en": "log"},
    "key_log_help": {"zh": "日志(在单位页:该单位的记录)", "en": "log (from a unit: its records)"},
    "key_known": {"zh": "按时刻回看", "en": "as known at"},
    "key_side": {"zh": "预警栏", "en": "alerts"},
    "key_next_panel": {
        "zh": "在表格与预警之间切换(Enter 打开所选单位)",
        "en": "move between the grid and the alerts (Enter opens the unit chosen)",
    },
    "key_side_help": {
        "zh": "显示/隐藏预警和完成率图(放在表格旁会遮住表格时默认隐藏)",
        "en": "show/hide the alerts and the chart (hidden at first where they would cut the grid)",
    },
    "key_next_page": {"zh": "下一页", "en": "next page"},
    "key_order": {"zh": "切换顺序", "en": "order"},
    "key_log_order": {
        "zh": "日志:最早在前 / 最新在前",
        "en": "the log: oldest first / newest first",
    },
    "key_prev_page": {"zh": "上一页", "en": "previous page"},
    "key_first_last": {
        "zh": "日志:第一行 / 最后一行;总览:表格滚到最左 / 最右",
        "en": "the log: first / last row; the overview: the grid to its left / right end",
    },
    "key_first_last_unit": {
        "zh": "总览:第一个 / 最后一个单位(PageUp / PageDown 翻页)",
        "en": "the overview: the first / last unit (PageUp / PageDown a page)",
    },
    "key_scroll_grid": {
        "zh": "表格比屏幕宽时左右滚动(单位一列留在左边)",
        "en": "scroll a grid wider than the screen (the units' column stays)",
    },
    "key_palette": {"zh": "命令面板", "en": "command palette"},
    "tui_palette_search": {"zh": "搜索命令或单位…", "en": "Search for commands or units…"},
    "tui_theme_search": {"zh": "搜索配色…", "en": "Search for themes…"},
    # Textual's own commands in the palette, by their title
    "palette.Theme": {"zh": "主题", "en": "Theme"},
    "palette_help.Theme": {"zh": "更换界面配色", "en": "Change the current theme"},
    "palette.Quit": {"zh": "退出", "en": "Quit"},
    "palette_help.Quit": {"zh": "立即退出", "en": "Quit the application as soon as possible"},
    "palette.Keys": {"zh": "按键面板", "en": "Keys"},
    "palette_help.Keys": {
        "zh": "所有按键及其作用(同 ?)",
        "en": "Every key and what it does (as ?)",
    },
    "palette.Maximize": {"zh": "最大化", "en": "Maximize"},
    "palette_help.Maximize": {"zh": "最大化当前部件", "en": "Maximize the focused widget"},
    "palette.Minimize": {"zh": "还原", "en": "Minimize"},
    "palette_help.Minimize": {
        "zh": "把部件还原为正常大小",
        "en": "Minimize the widget and restore to normal size",
    },
    "palette.Screenshot": {"zh": "截图", "en": "Screenshot"},
    "palette_help.Screenshot": {
        "zh": "把当前画面存为 SVG 截图",
        "en": "Save an SVG 'screenshot' of the current screen",
    },
    "key_load_demo": {"zh": "载入演示", "en": "load demo"},
}


# -- spreadsheets in, ledger and report out ---------------------------------------
MESSAGES.update(
    {
        "duplicate_column": {
            "en": "column '{column}' appears twice in the header row",
            "zh": "表头中列 '{column}' 出现了两次",
        },
        "title_above_header": {
            "en": "the table's first row holds a title ('{title}') above the field names on row {row}: delete the title row (the first row must name the fields)",
            "zh": "表格第一行是标题('{title}'),字段名在第 {row} 行:请删除标题行(第一行应为字段名)",
        },
        "header_needs_at": {
            "en": "the header row has no 'at' column (found: {header}); the first row must name "
            "the fields: type, at, …",
            "zh": "表头没有 'at' 列(现有:{header});第一行应为字段名:type、at、…",
        },
        "sheet_is_copy": {
            "en": "sheet '{sheet}' is a copy of sheet {type} (a draft?), and has no 'type' column: "
            "its rows are not read as {type}; move them to sheet {type}, or delete the copy",
            "zh": "工作表 '{sheet}' 是工作表 {type} 的副本(草稿?),且没有 'type' 列:其中各行不会按 {type} "
            "读取;请把它们移到工作表 {type},或删除该副本",
        },
        "sheet_named_in_words": {
            "en": "sheet '{sheet}' is named in the words of {type} and has no 'type' column: name "
            "it {type} so that its rows are of that type, or add a 'type' column",
            "zh": "工作表 '{sheet}' 用的是 {type} 的中文名,且没有 'type' 列:请把工作表命名为 {type},"
            "各行即为该类型;或加上 'type' 列",
        },
        "csv_file_is_copy": {
            "en": "file '{file}' is named as a copy of {type}.csv (a second download, or a "
            "draft?), and has no 'type' column: its rows are not read as {type}; if it is that "
            "file, name it {type}.csv; if a draft, leave it out",
            "zh": "文件 '{file}' 的名称是 {type}.csv 的副本名(再次下载的文件,或草稿?),且没有 "
            "'type' 列:其中各行不会按 {type} 读取;若它就是该文件,请改名为 {type}.csv;"
            "若是草稿,请不要导入",
        },
        "csv_file_named_in_words": {
            "en": "file '{file}' is named in the words of {type} and has no 'type' column: name "
            "it {type}.csv so that its rows are of that type, or add a 'type' column",
            "zh": "文件 '{file}' 用的是 {type} 的中文名,且没有 'type' 列:请把文件命名为 "
            "{type}.csv,各行即为该类型;或加上 'type' 列",
        },
        "sheet_not_records": {
            "en": "sheet '{sheet}' holds no records: its header names no field (found: {header}); "
            "if the sheet is your own, begin its name with # ('#{sheet}') and it is not read",
            "zh": "工作表“{sheet}”中没有记录:表头不含任何字段名(现有:{header});若是本单位自用的"
            "工作表,请在名称前加 #(“#{sheet}”),导入时即不读取",
        },
        "header_in_words": {
            "en": "the header row names fields in words ({named}): the first row must hold "
            "the fields' names, as the fill-in workbook's header row does",
            "zh": "表头用说明文字代替了字段名({named}):第一行应为字段名,与填报工作簿的表头相同",
        },
        "sheet_in_words": {
            "en": "sheet '{sheet}' is headed in words ({named}): to import its rows, write the "
            "fields' names in its first row, as the fill-in workbook's header row does; if the "
            "sheet is your own, begin its name with # ('#{sheet}') and it is not read",
            "zh": "工作表“{sheet}”的表头用说明文字代替了字段名({named}):要导入其中各行,请在第一行"
            "写字段名,与填报工作簿的表头相同;若是本单位自用的工作表,请在名称前加 #(“#{sheet}”),"
            "导入时即不读取",
        },
        "header_needs_type": {
            "en": "the header row has no 'type' column (found: {header}); add one, or name the "
            "sheet (or the CSV file) after the record type, e.g. ActivityHeld",
            "zh": "表头没有 'type' 列(现有:{header});请加上该列,或把工作表(或 CSV 文件)"
            "命名为记录类型,如 ActivityHeld",
        },
        "cell_without_header": {
            "en": "column {column} has a value but no field name in the header row",
            "zh": "第 {column} 列有内容,但表头中没有字段名",
        },
        "column_conflict": {
            "en": "column '{column}' clashes with another column for the same field",
            "zh": "列 '{column}' 与另一列指向同一字段,互相冲突",
        },
        "number_too_long": {
            "en": "'{column}': the number {number} has more digits than a spreadsheet keeps (15), so its last digits are not the ones typed; format the column as Text and type it again",
            "zh": "'{column}':数字 {number} 超过了电子表格能保存的 15 位,末尾几位已不是录入的数字;请把该列设为“文本”格式后重新录入",
        },
        "code_became_date": {
            "en": "'{column}': the cell holds a date or a time, {value}, where an id, a code or a name belongs: a spreadsheet turns what is typed as 3-1, 1/2 or 9:30 into one, so it is not what was typed; format the column as Text and type it again",
            "zh": "'{column}':应填编号、代码或姓名的单元格中是日期或时间 {value}:电子表格会把 3-1、1/2、9:30 这样录入的内容变成日期或时间,已不是录入的内容;请把该列设为“文本”格式后重新录入",
        },
        "bad_column": {
            "en": "'{column}' is not a field name (use e.g. ratings.leadership or phases.1.start)",
            "zh": "'{column}' 不是字段名(应如 ratings.leadership 或 phases.1.start)",
        },
        "sheet_type_mismatch": {
            "en": "type '{type}' on the sheet of {sheet} records",
            "zh": "在 {sheet} 工作表中出现了类型 '{type}'",
        },
        "encoding_without_csv": {
            "en": "--encoding {encoding} applies to CSV files, and none is given (JSON Lines "
            "is UTF-8; a workbook says its own encoding)",
            "zh": "--encoding {encoding} 只用于 CSV 文件,而这里没有 CSV 文件(JSON Lines 一律为 "
            "UTF-8;工作簿自带编码)",
        },
        "bad_encoding": {
            "en": "--encoding: unknown encoding '{encoding}' (e.g. utf-8, gbk, gb18030)",
            "zh": "--encoding:未知编码 '{encoding}'(例如 utf-8、gbk、gb18030)",
        },
        "not_text_encoding": {
            "en": "--encoding: '{encoding}' is not an encoding of text (e.g. utf-8, gbk, gb18030, utf-16)",
            "zh": "--encoding:'{encoding}' 不是文本编码(例如 utf-8、gbk、gb18030、utf-16)",
        },
        "csv_bad_bytes_other": {
            "en": "{file}: line {line} is not {encoding} text (--encoding {encoding}); the file is {found}: import it without --encoding",
            "zh": "{file}:第 {line} 行不是 {encoding} 编码的文本(--encoding {encoding});该文件是 {found} 编码:请不加 --encoding 导入",
        },
        "csv_bad_bytes_not_utf8": {
            "en": "{file}: line {line} is not {encoding} text (--encoding {encoding}); give the file's own encoding (without --encoding, a file that is not UTF-8 is read as GBK)",
            "zh": "{file}:第 {line} 行不是 {encoding} 编码的文本(--encoding {encoding});请指定该文件实际的编码(不加 --encoding 时,非 UTF-8 的文件按 GBK 读取)",
        },
        "csv_bad_bytes": {
            "en": "{file}: line {line} is not {encoding} text",
            "zh": "{file}:第 {line} 行不是 {encoding} 编码的文本",
        },
        "jsonl_utf16": {
            "en": '{file}: the file is UTF-16 text (Notepad\'s "Unicode"); JSON Lines must be UTF-8: save it as UTF-8',
            "zh": "{file}:文件是 UTF-16 文本(记事本的\u201cUnicode\u201d);JSON Lines 必须是 UTF-8:请另存为 UTF-8",
        },
        "jsonl_is_csv": {
            "en": "this is CSV, not JSON Lines: its first line is a header ({header}); "
            "import it as a file named .csv (a file named otherwise, and standard input, are "
            "read as JSON Lines)",
            "zh": "这是 CSV,不是 JSON Lines:第一行是表头({header});请存为 .csv 文件再导入"
            "(扩展名不是 .csv、.xlsx 的文件和标准输入都按 JSON Lines 读取)",
        },
        "jsonl_is_unicode_text": {
            "en": '{file}: this is Excel\'s "Unicode text" (UTF-16, its columns separated by '
            "tabs), not JSON Lines: its first line is a header ({header}); import it as a file "
            "named .csv, as it is (a file named otherwise, and standard input, are read as JSON "
            "Lines)",
            "zh": "{file}:这是 Excel 的\u201cUnicode 文本\u201d(UTF-16,各列以制表符分隔),不是 "
            "JSON Lines:第一行是表头({header});请把扩展名改为 .csv 再导入,无需另存"
            "(扩展名不是 .csv、.xlsx 的文件和标准输入都按 JSON Lines 读取)",
        },
        "jsonl_is_workbook": {
            "en": "{file}: this is a workbook (an Excel or WPS file), not JSON Lines: name it "
            ".xlsx and import that (a file named otherwise, and standard input, are read as "
            "JSON Lines)",
            "zh": "{file}:这是工作簿(Excel 或 WPS 文件),不是 JSON Lines:请把扩展名改为 .xlsx "
            "再导入(扩展名不是 .csv、.xlsx 的文件和标准输入都按 JSON Lines 读取)",
        },
        "jsonl_not_text": {
            "en": "{file}: not UTF-8 text (it holds NUL bytes: a binary file, or UTF-16 "
            "without its mark); JSON Lines are UTF-8 text",
            "zh": "{file}:不是 UTF-8 文本(含有 NUL 字节:二进制文件,或无字节序标记的 UTF-16);"
            "JSON Lines 须为 UTF-8 文本",
        },
        "file_is_not_records": {
            "en": "{file}: this is {what}, not records to import",
            "zh": "{file}:这是{what},不是可导入的记录",
        },
        "file_is_not_records_yet": {
            "en": "{file}: this is {what}, not records to import: {advice}",
            "zh": "{file}:这是{what},不是可导入的记录:{advice}",
        },
        "file_kind_sqlite": {"en": "a SQLite database", "zh": " SQLite 数据库"},
        "file_advice_sqlite": {
            "en": "a cxzy store is named with --store",
            "zh": "cxzy 数据库请用 --store 指定",
        },
        "file_kind_pdf": {"en": "a PDF document", "zh": " PDF 文档"},
        "file_kind_encrypted": {
            "en": "a workbook locked with a password",
            "zh": "设有打开密码的工作簿",
        },
        "file_advice_encrypted": {
            "en": "remove its password in Excel or WPS (File › Info › Protect Workbook) and "
            "save it again",
            "zh": "请在 Excel 或 WPS 中取消其打开密码(文件 › 信息 › 保护工作簿)后重新保存",
        },
        "file_kind_ole": {
            "en": "an old Office file (.xls, .doc, .et)",
            "zh": "旧版 Office 文件(.xls、.doc、.et)",
        },
        "file_advice_ole": {
            "en": "save it from Excel or WPS as .xlsx",
            "zh": "请在 Excel 或 WPS 中另存为 .xlsx",
        },
        "file_kind_image": {"en": "an image", "zh": "图片"},
        "file_kind_archive": {"en": "a compressed archive", "zh": "压缩包"},
        "file_advice_archive": {
            "en": "unpack it and import the files inside",
            "zh": "请解压后导入其中的文件",
        },
        "file_kind_xlsb": {
            "en": "an Excel binary workbook (.xlsb)",
            "zh": " Excel 二进制工作簿(.xlsb)",
        },
        "file_advice_xlsb": {"en": "save it as .xlsx", "zh": "请另存为 .xlsx"},
        "file_kind_word": {"en": "a Word document", "zh": " Word 文档"},
        "file_kind_powerpoint": {"en": "a PowerPoint presentation", "zh": " PowerPoint 演示文稿"},
        "file_kind_opendocument": {
            "en": "an OpenDocument file (LibreOffice, WPS)",
            "zh": " OpenDocument 文件(LibreOffice、WPS)",
        },
        "file_advice_opendocument": {"en": "save it as .xlsx", "zh": "请另存为 .xlsx"},
        "csv_is_workbook": {
            "en": "{file}: this is a workbook (an Excel or WPS file), not CSV text: name it "
            ".xlsx, or save it from Excel as CSV",
            "zh": "{file}:这是工作簿(Excel 或 WPS 文件),不是 CSV 文本:请把扩展名改为 .xlsx,"
            "或在 Excel 中另存为 CSV",
        },
        "csv_not_text": {
            "en": "{file}: line {line} is neither UTF-8 nor GBK text; give --encoding",
            "zh": "{file}:第 {line} 行既不是 UTF-8 也不是 GBK 文本;请用 --encoding 指定编码",
        },
        "csv_mixed_encodings": {
            "en": "{file}: line {utf8} is UTF-8 text but line {other} is not: the file mixes "
            "encodings (lines pasted from another file?); save it again in one, or give "
            "--encoding",
            "zh": "{file}:第 {utf8} 行是 UTF-8 文本,第 {other} 行却不是:文件混用了编码(从别的"
            "文件粘贴的行?);请统一编码另存,或用 --encoding 指定编码",
        },
        "csv_is_utf8": {
            "en": "{file}:{line}: the file is UTF-8 ({utf8}; read as {encoding}: {other}), not {encoding} as --encoding says: import it without --encoding (GBK is recognised without it)",
            "zh": "{file}:{line}: 该文件是 UTF-8 编码({utf8};按 {encoding} 读是 {other}),不是 --encoding 指定的 {encoding}:请不加 --encoding 导入它(不加时也能识别 GBK)",
        },
        "csv_either_encoding": {
            "en": "{file}:{line}: reads as UTF-8 ({utf8}) and as GBK ({gbk}), and no line "
            "says which (short Chinese text in GBK can pass for UTF-8): give --encoding gbk "
            "or --encoding utf-8",
            "zh": "{file}:{line}: 按 UTF-8 读是 {utf8},按 GBK 读是 {gbk},文件中没有哪一行能"
            "判定编码(GBK 的简短中文可能恰好也是合法的 UTF-8):请用 --encoding gbk 或 "
            "--encoding utf-8 指定",
        },
        "csv_full_width_comma": {
            "en": "the cells are separated by the full-width comma '，' (a Chinese input "
            "method's), which a CSV file does not take: type ',' between cells ('{cell}')",
            "zh": "单元格之间用的是全角逗号 '，'(中文输入法),CSV 文件不认:请在单元格之间用半角逗号 ','('{cell}')",
        },
        "csv_broken": {
            "en": "not a readable CSV row: {reason}",
            "zh": "无法读取的 CSV 行:{reason}",
        },
        "csv_unclosed_quote": {
            "en": "the row that begins on line {begins} opens a quote that is never closed (the rest of the file would be one cell)",
            "zh": "从第 {begins} 行开始的这一行有一个引号没有闭合(文件其余部分会成为一个单元格)",
        },
        "csv_cell_too_long": {
            "en": "the row that begins on line {begins} has a cell of more than {most} characters",
            "zh": "从第 {begins} 行开始的这一行有一个单元格超过 {most} 个字符",
        },
        "csv_after_quote": {
            "en": 'text follows a closing quote in the row that begins on line {begins} (a quote inside a quoted cell is written twice: "")',
            "zh": '从第 {begins} 行开始的这一行在闭合引号之后还有文字(带引号的单元格中的引号要写两遍:"")',
        },
        "hidden_sheet": {
            "en": "this sheet is hidden, and holds records: unhide it to send them, or delete it (or begin its name with #) if they are not to be imported",
            "zh": "此工作表已隐藏,但其中有记录:要导入就取消隐藏,不导入就删除该表(或在表名前加 #)",
        },
        "hidden_row": {
            "en": "this row is hidden (by hand or by a filter), and holds a record: show it to send it, or delete it if it is not to be imported",
            "zh": "此行已隐藏(手动隐藏或被筛选掉),但其中有记录:要导入就取消隐藏,不导入就删除该行",
        },
        "hidden_column": {
            "en": "this row has a value in hidden column {columns}: show the column to send it, or clear the cell if it is not to be imported",
            "zh": "此行在已隐藏的 {columns} 列中有内容:要导入就取消隐藏该列,不导入就清空该单元格",
        },
        "hidden_columns": {
            "en": "this row has values in hidden columns {columns}: show the columns to send them, or clear the cells if they are not to be imported",
            "zh": "此行在已隐藏的 {columns} 列中有内容:要导入就取消隐藏这些列,不导入就清空这些单元格",
        },
        "merged_rows": {
            "en": "cells {cells} are merged over several rows: the file holds their value on the first row only; unmerge them and fill in each row",
            "zh": "单元格 {cells} 跨行合并:文件只在第一行保存其值;请取消合并,逐行填写",
        },
        "xlsx_lock_file": {
            "en": "{file}: Excel's lock file (its workbook is open in Excel), not a workbook; leave it out",
            "zh": "{file}:这是 Excel 打开工作簿时生成的临时锁定文件,不是工作簿;请不要导入它",
        },
        "not_zip": {"en": "its content is not that of a workbook", "zh": "文件内容不是工作簿"},
        "xlsx_empty_file": {"en": "the file is empty (0 bytes)", "zh": "文件是空的(0 字节)"},
        "xlsx_cut_short": {
            "en": "the workbook is cut short or damaged (a download or an attachment not "
            "complete?): ask for it again",
            "zh": "工作簿不完整或已损坏(下载或附件未传完整?):请重新索取",
        },
        "xlsx_is_html": {
            "en": "it is a web page (HTML or XML), not a workbook: open it in Excel or WPS "
            "and save it as .xlsx",
            "zh": "这是网页(HTML 或 XML)文件,不是工作簿:请用 Excel 或 WPS 打开后另存为 .xlsx",
        },
        "xlsx_is_jsonl": {
            "en": "it is JSON Lines text, not a workbook: rename it .jsonl",
            "zh": "这是 JSON Lines 文本,不是工作簿:请改名为 .jsonl",
        },
        "xlsx_is_text": {
            "en": "it is text, not a workbook (a CSV file named .xlsx?): rename it .csv",
            "zh": "这是文本文件,不是工作簿(把 CSV 文件命名成了 .xlsx?):请改名为 .csv",
        },
        "xlsx_reader_failed": {
            "en": "the reader failed on a part of it: {error}; open it in Excel or WPS and save it again",
            "zh": "读取其中一部分时出错:{error};请用 Excel 或 WPS 打开后重新保存",
        },
        "xlsx_strict": {
            "en": '{file}: a workbook saved as "Strict Open XML", which cxzy does not read; save it again as an ordinary Excel workbook (.xlsx) and import that',
            "zh": "{file}:该工作簿保存为“Strict Open XML”格式,cxzy 无法读取;请另存为普通的 Excel 工作簿(.xlsx)后再导入",
        },
        "xlsx_unreadable": {
            "en": "{file}: not a readable .xlsx workbook ({reason})",
            "zh": "{file}:不是可读取的 .xlsx 工作簿({reason})",
        },
        "file_is_report": {
            "en": "{file}: this is a report cxzy wrote (cxzy report), not records to import;"
            " import the records units fill in (the workbook of cxzy template)",
            "zh": "{file}:这是 cxzy 生成的总结报告(cxzy report),不是可导入的记录;"
            "请导入各单位填写的记录(cxzy template 生成的工作簿)",
        },
        "csv_is_export": {
            "en": "{file}: this is a sheet of a ledger exported by cxzy (CSV), not records to"
            " import; import the records units fill in (the workbook of cxzy template)",
            "zh": "{file}:这是 cxzy 导出的台帐(CSV)中的一张表,不是可导入的记录;"
            "请导入各单位填写的记录(cxzy template 生成的工作簿)",
        },
        "file_kind_html": {"en": "a web page (HTML)", "zh": "网页(HTML)"},
        "xlsx_is_export": {
            "en": "{file}: this is a ledger exported by cxzy, not records to import; import the records units fill in (the workbook of cxzy template)",
            "zh": "{file}:这是 cxzy 导出的台帐,不是可导入的记录;请导入各单位填写的记录(cxzy template 生成的工作簿)",
        },
        "old_excel": {
            "en": "{file}: the old Excel format is not read; save it as .xlsx (or .csv) first",
            "zh": "{file}:不支持旧版 Excel 格式,请先另存为 .xlsx(或 .csv)",
        },
        "output_suffix": {
            "en": "{file}: the output must end in {suffixes}",
            "zh": "{file}:输出文件名须以 {suffixes} 结尾",
        },
        "ledger_output_folder": {
            "en": "{file}: the ledger's workbook must end in .xlsx; for a folder of CSV files, add --format csv",
            "zh": "{file}:台帐工作簿的文件名须以 .xlsx 结尾;如要写入存放 CSV 文件的文件夹,请加 --format csv",
        },
        "output_no_name": {
            "en": "{file}: the file's name is missing (give one before {suffix})",
            "zh": "{file}:缺少文件名(请在 {suffix} 前写上名称)",
        },
        "output_csv_suffix": {
            "en": "{file}: --format csv writes a folder of CSV files, not a {suffix} file; give a folder's name",
            "zh": "{file}:--format csv 写入一个存放 CSV 文件的文件夹,不是 {suffix} 文件;请给出文件夹名",
        },
        "output_not_ours": {
            "en": "{file} exists and was not written by cxzy; choose another name, or add --force to replace it",
            "zh": "{file} 已存在且不是 cxzy 生成的;请换一个名称,或加 --force 覆盖它",
        },
        "output_unwritable": {
            "en": "cannot write {file}: {reason}",
            "zh": "无法写入 {file}:{reason}",
        },
        "output_is_store": {
            "en": "{file} is the store {store} itself: writing there would replace its records; choose another name",
            "zh": "{file} 就是数据库 {store} 本身:写到这里会覆盖其中的记录;请换一个名称",
        },
        "output_empty": {
            "en": "the output's name (-o) is empty: give a file's name ending in {suffixes}",
            "zh": "输出文件名(-o)为空:请给出以 {suffixes} 结尾的文件名",
        },
        "output_empty_folder": {
            "en": "the output's name (-o) is empty: give the name of a folder for the CSV files",
            "zh": "输出名称(-o)为空:请给出存放 CSV 文件的文件夹名",
        },
        "output_exists": {
            "en": "{file} exists (perhaps a workbook a unit filled in); choose another name, or add --force to replace it",
            "zh": "{file} 已存在(可能是某单位填好的工作簿);请换一个文件名,或加 --force 覆盖它",
        },
        "stdout": {"en": "the standard output", "zh": "标准输出"},
        "weekday.0": {"en": "Monday", "zh": "星期一"},
        "weekday.1": {"en": "Tuesday", "zh": "星期二"},
        "weekday.2": {"en": "Wednesday", "zh": "星期三"},
        "weekday.3": {"en": "Thursday", "zh": "星期四"},
        "weekday.4": {"en": "Friday", "zh": "星期五"},
        "weekday.5": {"en": "Saturday", "zh": "星期六"},
        "weekday.6": {"en": "Sunday", "zh": "星期日"},
        "os.missing": {"en": "no such folder or file", "zh": "文件夹或文件不存在"},
        "os.not_dir": {
            "en": "a part of its path is a file, not a folder",
            "zh": "路径中有一部分是文件而不是文件夹",
        },
        "os.denied": {"en": "permission denied", "zh": "没有权限"},
        "os.read_only": {"en": "the disk is read-only", "zh": "磁盘只读"},
        "os.full": {"en": "no space left on the disk", "zh": "磁盘空间不足"},
        "os.read_only_file": {"en": "the file is read-only", "zh": "文件只读"},
        "sqlite.io_error": {"en": "disk I/O error", "zh": "磁盘读写出错"},
        "os.is_dir": {"en": "is a folder", "zh": "是文件夹"},
        "os.too_large": {"en": "larger than a file may be here", "zh": "超出此处允许的文件大小"},
        "store_name_too_long": {
            "en": "its name is too long (a store's name holds at most 247 bytes, about 80 Chinese "
            "characters: SQLite's files beside it take the rest of a file's 255)",
            "zh": "名称过长(数据库文件名最多 247 字节,约 80 个汉字:其余留给 SQLite 在旁边建的文件)",
        },
        "os.path_too_long": {
            "en": "its path is too long (a path holds at most 4,095 bytes)",
            "zh": "路径过长(路径最多 4095 字节)",
        },
        "os.name_too_long": {
            "en": "its name is too long (a file's name holds at most 255 bytes: about 85 Chinese characters)",
            "zh": "名称过长(文件名最多 255 字节,约 85 个汉字)",
        },
        "output_not_dir": {
            "en": "{file} is a file; --format csv writes into a folder",
            "zh": "{file} 是文件;--format csv 需要写入文件夹",
        },
        "template_without_store": {
            "en": "no store at {store}: the workbook lists no unit codes (a new campaign: fill"
            " its UnitRegistered sheet, import it after the campaign's plan, then write the"
            " workbook again to list them; a store elsewhere: give --store)",
            "zh": "{store} 处没有数据库:工作簿中不列单位代码(新活动:在本工作簿的 UnitRegistered 表"
            "中登记各单位,导入活动规划后再导入本表,然后重新生成工作簿即可列出;数据库在别处:用 --store 指定)",
        },
        "store_template_unlike": {
            "en": "the figures of store {store} are worked out on another text than this,"
            " its log's (the read model's copy was edited outside cxzy): cxzy verify"
            " --figures names the table, cxzy store rebuild makes them again",
            "zh": "数据库 {store} 的统计所依据的模板文本与以下日志中的文本不同(读模型中的副本被绕过"
            " cxzy 改动):cxzy verify --figures 可查明是哪张表,cxzy store rebuild 可重新生成",
        },
        "store_template_not_kept": {
            "en": "this store keeps no template text (its campaign was planned before stores"
            " kept it): its figures are worked out by the file of template {template} this"
            " cxzy finds, printed here",
            "zh": "该数据库未保存模板文本(规划活动时 cxzy 尚不在数据库中保存模板):统计按本版"
            " cxzy 找到的模板 {template} 的文件计算,以下即该文件",
        },
        "template_builtin_workbook": {
            "en": "no campaign planned yet: the workbook is for the built-in template"
            " {template}; to make it for a template of your own ({own}), import the"
            " campaign's CampaignPlanned first",
            "zh": "尚未规划活动:工作簿按内置模板 {template} 生成;若要按自定义模板({own})"
            "生成,请先导入该活动的 CampaignPlanned 记录",
        },
        "template_without_named_store": {
            "en": "no store at {store}: the workbook lists no unit codes (the store that holds the units lists them: is it named right?)",
            "zh": "{store} 处没有数据库:工作簿中不列单位代码(存有各单位的数据库可列出代码:数据库是否写对?)",
        },
        "template_written": {
            "en": "fill-in workbook written: {file} ({sheets:~sheet|sheets}, {units:~unit code|unit codes})",
            "zh": "已生成填报工作簿:{file}(共 {sheets} 张表,{units} 个单位代码)",
        },
        "ledger_written": {
            "en": "ledger as of {as_of} written: {file} (log position {position})",
            "zh": "已生成截至 {as_of} 的专项台帐:{file}(日志位置 {position})",
        },
        "report_written": {
            "en": "report as of {as_of} written: {file} (log position {position})",
            "zh": "已生成截至 {as_of} 的活动总结报告:{file}(日志位置 {position})",
        },
    }
)

LABELS.update(
    {
        # record types
        "type.CampaignPlanned": {"zh": "活动规划", "en": "campaign planned"},
        "type.UnitRegistered": {"zh": "单位登记", "en": "unit registered"},
        "type.UnitUpdated": {"zh": "单位变更", "en": "unit updated"},
        "type.LeaderAssigned": {"zh": "领导小组分工", "en": "leader assigned"},
        "type.ContactPointAssigned": {"zh": "确定联系点", "en": "contact point assigned"},
        "type.ContactVisitMade": {"zh": "联系点走访", "en": "contact visit"},
        "type.CommitmentMade": {"zh": "作出承诺", "en": "commitment made"},
        "type.CommitmentProgressed": {"zh": "承诺进展", "en": "commitment progress"},
        "type.CommitmentDueChanged": {"zh": "承诺改期", "en": "commitment due changed"},
        "type.CommitmentFulfilled": {"zh": "承诺兑现", "en": "commitment fulfilled"},
        "type.ActivityHeld": {"zh": "开展活动", "en": "activity held"},
        "type.ReviewRecorded": {"zh": "评议考核", "en": "review recorded"},
        "type.RectificationOpened": {"zh": "整改立项", "en": "rectification opened"},
        "type.RectificationProgressed": {"zh": "整改进展", "en": "rectification progress"},
        "type.RectificationDeadlineExtended": {"zh": "整改延期", "en": "deadline extended"},
        "type.RectificationCompleted": {"zh": "整改完成", "en": "rectification completed"},
        "type.RectificationVerified": {"zh": "整改验收", "en": "rectification verified"},
        "type.RectificationEscalated": {"zh": "整改升级(通报、问责)", "en": "escalation"},
        "type.CommendationAwarded": {"zh": "表彰", "en": "commendation"},
        # codes
        "unit_kind.bureau": {"zh": "局机关", "en": "bureau"},
        "unit_kind.team": {"zh": "队", "en": "team"},
        "unit_kind.institute": {"zh": "所", "en": "institute"},
        "unit_kind.academy": {"zh": "院", "en": "academy"},
        "unit_kind.company": {"zh": "公司", "en": "company"},
        "unit_kind.office": {"zh": "办公室", "en": "office"},
        "review_kind.mass_evaluation": {"zh": "群众评议", "en": "mass evaluation"},
        "review_kind.superior_assessment": {"zh": "上级考核评议", "en": "superior assessment"},
        "review_kind.leader_commentary": {"zh": "领导点评", "en": "leader commentary"},
        "review_kind.inspection": {"zh": "督促检查", "en": "inspection"},
        "method.report_meeting": {"zh": "汇报会", "en": "report meeting"},
        "method.symposium": {"zh": "座谈会", "en": "symposium"},
        "method.supervision": {"zh": "经常性督查", "en": "regular supervision"},
        "method.tour": {"zh": "巡回检查", "en": "touring inspection"},
        "method.random_check": {"zh": "随机抽样检查", "en": "random check"},
        "verdict.commend": {"zh": "通报表扬", "en": "commended"},
        "verdict.ok": {"zh": "合格", "en": "satisfactory"},
        "verdict.criticize": {"zh": "批评", "en": "criticised"},
        "grade.advanced": {"zh": "先进", "en": "advanced"},
        "grade.middle": {"zh": "中间", "en": "middle"},
        "grade.lagging": {"zh": "后进", "en": "lagging"},
        "source.legacy": {
            "zh": "学习实践活动遗留问题",
            "en": "left over from the earlier campaign",
        },
        "action.public_criticism": {"zh": "通报批评", "en": "public criticism"},
        "action.accountability": {"zh": "问责", "en": "accountability"},
        "award_title.advanced_org": {"zh": "先进基层党组织", "en": "advanced organisation"},
        "award_title.excellent_member": {"zh": "优秀共产党员", "en": "excellent member"},
        "award_title.model": {"zh": "先进典型", "en": "role model"},
        "award_level.bureau": {"zh": "局级", "en": "bureau level"},
        "award_level.province": {"zh": "省级", "en": "provincial"},
        "award_level.central": {"zh": "中央级", "en": "national"},
        "role.leader": {"zh": "组长", "en": "leader"},
        "role.deputy": {"zh": "副组长", "en": "deputy"},
        "role.member": {"zh": "成员", "en": "member"},
        "role.office_director": {"zh": "办公室主任", "en": "office director"},
        "role.office_deputy": {"zh": "办公室副主任", "en": "office deputy"},
        "role.office_member": {"zh": "办公室成员", "en": "office member"},
        "rating.leadership": {"zh": "领导班子好", "en": "leadership"},
        "rating.members": {"zh": "党员队伍好", "en": "members"},
        "rating.mechanism": {"zh": "工作机制好", "en": "mechanism"},
        "rating.performance": {"zh": "工作业绩好", "en": "performance"},
        "rating.reputation": {"zh": "群众反映好", "en": "reputation"},
        "activity_kind.self_chosen": SELF_CHOSEN_NAMES,
        "result.kept": {"zh": "按期兑现", "en": "fulfilled on time"},
        "result.kept_late": {"zh": "逾期兑现", "en": "fulfilled late"},
        "result.broken": {"zh": "逾期未兑现", "en": "overdue, not fulfilled"},
        "result.open": {"zh": "未到期", "en": "not yet due"},
        "rect_state.closed": {"zh": "已销号", "en": "closed"},
        "rect_state.overdue": {"zh": "逾期未销号", "en": "overdue"},
        "rect_state.awaiting": {"zh": "待验收", "en": "awaiting verification"},
        "rect_state.open": {"zh": "整改中", "en": "open"},
        "yes": {"zh": "是", "en": "yes"},
        "no": {"zh": "否", "en": "no"},
        "accepted": {"zh": "通过", "en": "accepted"},
        "rejected": {"zh": "不通过", "en": "rejected"},
        "total_row": {"zh": "合计", "en": "total"},
        # the ledger's sheets
        "sheet.cover": {"zh": "封面", "en": "Cover"},
        "sheet.units": {"zh": "单位汇总", "en": "Units"},
        "sheet.checklist": {"zh": "阶段清单", "en": "Checklist"},
        "sheet.commitments": {"zh": "承诺", "en": "Commitments"},
        "sheet.keeping": {"zh": "承诺兑现率", "en": "Commitment fulfilment"},
        "sheet.rectifications": {"zh": "整改台帐", "en": "Rectifications"},
        "sheet.reviews": {"zh": "评议", "en": "Reviews"},
        "sheet.activities": {"zh": "活动", "en": "Activities"},
        "sheet.awards": {"zh": "表彰", "en": "Awards"},
        "ledger_title": {"zh": "{title} 专项台帐", "en": "{title} — special ledger"},
        "cover.campaign": {"zh": "活动代码", "en": "campaign"},
        "cover.template": {"zh": "活动模板", "en": "template"},
        "cover.as_of": {"zh": "截至日期", "en": "as of"},
        "cover.known_at": {"zh": "按库中记录时刻", "en": "as known at"},
        "cover.live": {"zh": "(当前全部记录)", "en": "(everything recorded)"},
        "cover.position": {"zh": "日志位置", "en": "log position"},
        "cover.head": {"zh": "链头哈希", "en": "head hash"},
        "cover.checkpoint": {"zh": "检查点", "en": "checkpoint"},
        "cover.no_checkpoint": {
            "zh": "无(此时日志中尚无记录)",
            "en": "none (the log held no record then)",
        },
        "cover.generated": {"zh": "生成时间", "en": "generated"},
        "cover.program": {"zh": "生成程序", "en": "generated by"},
        "cover.check": {
            "zh": "核对:cxzy verify --against '检查点' 通过(以上一行为检查点),即证明本台帐所依据的日志未被改动;之后新增的记录不影响核对",
            "en": "check: cxzy verify --against 'CHECKPOINT' (the line above) passes when the log this ledger rests on is unchanged, whatever was recorded after it",
        },
        "cover.sheets": {"zh": "各表", "en": "sheets"},
        "col.unit": {"zh": "单位代码", "en": "unit"},
        "col.name": {"zh": "单位", "en": "unit name"},
        "col.kind": {"zh": "类型", "en": "kind"},
        "col.parent": {"zh": "上级单位", "en": "parent"},
        "col.grade": {"zh": "等次", "en": "grade"},
        "col.phase": {"zh": "阶段", "en": "phase"},
        "col.phase_status": {"zh": "阶段状态", "en": "phase status"},
        "col.item": {"zh": "事项", "en": "item"},
        "col.deadline": {"zh": "期限", "en": "deadline"},
        "col.state": {"zh": "状态", "en": "state"},
        "col.done_on": {"zh": "完成日期", "en": "done on"},
        "col.evidence": {"zh": "依据", "en": "evidence"},
        "col.c_total": {"zh": "承诺总数", "en": "commitments"},
        "col.c_fulfilled": {"zh": "已兑现", "en": "fulfilled"},
        "col.c_overdue": {"zh": "逾期未兑现", "en": "overdue, not fulfilled"},
        "col.r_total": {"zh": "整改总数", "en": "rectifications"},
        "col.r_open": {"zh": "未销号", "en": "open"},
        "col.r_overdue": {"zh": "逾期未销号", "en": "overdue, open"},
        "col.r_supervised": {"zh": "督办未销号", "en": "supervised open"},
        "col.r_escalated": {"zh": "通报/问责", "en": "escalated"},
        "col.awards": {"zh": "表彰", "en": "awards"},
        "col.commitment": {"zh": "承诺编号", "en": "commitment"},
        "col.text": {"zh": "承诺内容", "en": "text"},
        "col.public": {"zh": "公开", "en": "public"},
        "col.person": {"zh": "承诺人", "en": "person"},
        "col.made_on": {"zh": "承诺日期", "en": "made on"},
        "col.first_due": {"zh": "原定期限", "en": "first due"},
        "col.due_changes": {"zh": "改期记录", "en": "due changes"},
        "col.due": {"zh": "现期限", "en": "due"},
        "col.fulfilled_on": {"zh": "兑现日期", "en": "fulfilled on"},
        "col.result": {"zh": "兑现情况", "en": "result"},
        "col.renegotiated": {"zh": "改期", "en": "renegotiated"},
        "col.note": {"zh": "说明", "en": "note"},
        "col.kept": {"zh": "按期兑现", "en": "fulfilled on time"},
        "col.kept_late": {"zh": "逾期兑现", "en": "fulfilled late"},
        "col.broken": {"zh": "逾期未兑现", "en": "overdue, not fulfilled"},
        "col.not_due": {"zh": "未到期", "en": "not yet due"},
        "col.rate": {"zh": "兑现率", "en": "fulfilment rate"},
        "col.on_time_rate": {"zh": "按期兑现率", "en": "on-time rate"},
        "col.rectification": {"zh": "整改编号", "en": "rectification"},
        "col.issue": {"zh": "问题", "en": "issue"},
        "col.source": {"zh": "来源", "en": "source"},
        "col.owner": {"zh": "责任人", "en": "owner"},
        "col.supervised": {"zh": "挂牌督办", "en": "supervised"},
        "col.opened_on": {"zh": "立项日期", "en": "opened on"},
        "col.first_deadline": {"zh": "原定期限", "en": "first deadline"},
        "col.extensions": {"zh": "延期记录", "en": "extensions"},
        "col.deadline_now": {"zh": "现期限", "en": "current deadline"},
        "col.public_criticism": {"zh": "通报批评", "en": "public criticism"},
        "col.accountability": {"zh": "问责", "en": "accountability"},
        "col.completed_on": {"zh": "报完成日期", "en": "completed on"},
        "col.verifications": {"zh": "验收记录", "en": "verifications"},
        "col.verifier": {"zh": "验收人", "en": "verifier"},
        "col.closed_on": {"zh": "销号日期", "en": "closed on"},
        "col.progress": {"zh": "最新进展", "en": "latest progress"},
        "col.day": {"zh": "日期", "en": "day"},
        "col.review_kind": {"zh": "评议类型", "en": "kind"},
        "col.method": {"zh": "方式", "en": "method"},
        "col.reviewer": {"zh": "评议人", "en": "reviewer"},
        "col.verdict": {"zh": "结论", "en": "verdict"},
        "col.review": {"zh": "评议编号", "en": "review"},
        "col.activity_kind": {"zh": "活动类型", "en": "kind"},
        "col.title": {"zh": "活动名称", "en": "title"},
        "col.participants": {"zh": "参加人数", "en": "participants"},
        "col.activity": {"zh": "活动编号", "en": "activity"},
        "col.by": {"zh": "记录人", "en": "recorded by"},
        "col.award_title": {"zh": "称号", "en": "title"},
        "col.level": {"zh": "级别", "en": "level"},
        "col.awardee": {"zh": "个人", "en": "person"},
        # the fill-in template
        "tpl.readme": {"zh": "#填报说明", "en": "#README"},
        "tpl.lists": {"zh": "#lists", "en": "#lists"},
        "tpl.title": {"zh": "{title} · 填报工作簿", "en": "{title} · fill-in workbook"},
        "tpl.how": {
            "zh": "每张表对应一种记录,表名即记录类型,请勿改表名和第一行字段名。"
            "每行填一条记录;不填的格子表示该项不填。鼠标停在字段名上可看到说明。"
            "日期填成日期(如 2010-06-20),时间可写成 2010-06-20 09:30;是/否 从下拉框选择。"
            "不用的表可以留空或删除。填好后交办公室,由办公室用 cxzy import 导入。",
            "en": "Each sheet holds one kind of record; its name is the record type: keep the "
            "sheet names and the field names in the first row. One record per row; leave a "
            "cell empty when the field does not apply. Hover over a field name for its note. "
            "Enter dates as dates (2010-06-20), times as 2010-06-20 09:30; pick TRUE/FALSE from the "
            "list (yes and no are read too). Unused sheets may stay empty or be deleted. Send the file to the office, "
            "which imports it with cxzy import.",
        },
        "tpl.col_sheet": {"zh": "工作表", "en": "sheet"},
        "tpl.col_meaning": {"zh": "含义", "en": "meaning"},
        "tpl.col_fields": {"zh": "字段", "en": "fields"},
        "tpl.units": {"zh": "单位代码", "en": "unit codes"},
        "tpl.for_unit": {
            "zh": "本工作簿供 {unit} {name} 填报:只填它和下属单位的记录"
            "(办公室导入时用 cxzy import --unit {unit},其他单位的记录会被拒绝)。",
            "en": "This workbook is for {unit} {name}: fill in records of it and the units"
            " under it only (the office imports it with cxzy import --unit {unit}, which"
            " refuses records of other units).",
        },
        "tpl.required": {"zh": "必填", "en": "required"},
        "tpl.optional": {"zh": "选填", "en": "optional"},
        "tpl.default": {"zh": "默认 {value}", "en": "default {value}"},
        "tpl.choices": {"zh": "可选:", "en": "one of:"},
        "tpl.true": {"zh": "是", "en": "TRUE"},
        "tpl.false": {"zh": "否", "en": "FALSE"},
        "tpl.pick": {"zh": "请从下拉列表中选择", "en": "Pick a value from the list"},
        "tpl.pick_title": {"zh": "取值无效", "en": "Not a valid value"},
        "tpl.unit_warning": {
            "zh": "不是库中已登记的单位代码(同一工作簿中新登记的单位可以忽略此提示)",
            "en": "not a unit code of the store (ignore for units registered in this workbook)",
        },
        "tpl.unit_warning_sender": {
            "zh": "不是 {unit} 或其下属单位的代码:办公室导入时(--unit {unit})会拒绝这一行"
            "(本工作簿中新登记的下属单位可以忽略此提示)",
            "en": "not the code of {unit} or a unit under it: the office's import (--unit"
            " {unit}) refuses the row (ignore for units under it registered in this workbook)",
        },
        # field notes (the template's column comments)
        "field.at": {
            "zh": "发生时间:日期(2010-06-20)或日期时间(2010-06-20 09:30);按活动所在时区理解",
            "en": "when it happened: a date (2010-06-20) or date and time (2010-06-20 09:30), "
            "local time of the campaign",
        },
        "field.id": {
            "zh": "记录编号:可不填,不填时按内容生成,重复导入无害",
            "en": "record id: may stay empty (derived from the content; re-importing is harmless)",
        },
        "field.by": {
            "zh": "记录人:可不填,默认为导入者",
            "en": "recorded by: may stay empty (default: who imports)",
        },
        "field.type": {"zh": "记录类型", "en": "record type"},
        "field.campaign": {"zh": "活动代码", "en": "campaign code"},
        "field.title": {"zh": "名称", "en": "title"},
        "field.CampaignPlanned.title": {"zh": "活动名称", "en": "campaign title"},
        "field.ActivityHeld.title": {"zh": "活动名称", "en": "activity title"},
        "field.CommendationAwarded.title": {"zh": "称号", "en": "award title"},
        "field.template": {"zh": "活动模板代码", "en": "template key"},
        "field.timezone": {"zh": "时区", "en": "time zone"},
        "field.phases.key": {"zh": "第 {n} 个阶段的代码", "en": "phase {n}: key"},
        "field.phases.start": {"zh": "第 {n} 个阶段的开始日期", "en": "phase {n}: first day"},
        "field.phases.end": {"zh": "第 {n} 个阶段的结束日期", "en": "phase {n}: last day"},
        "field.unit": {"zh": "单位代码", "en": "unit code"},
        "field.name": {"zh": "单位名称", "en": "unit name"},
        "field.kind": {"zh": "类型", "en": "kind"},
        "field.UnitRegistered.kind": {"zh": "单位类型", "en": "unit kind"},
        "field.ActivityHeld.kind": {"zh": "活动类型", "en": "activity kind"},
        "field.ReviewRecorded.kind": {"zh": "评议类型", "en": "review kind"},
        "field.parent": {"zh": "上级单位代码", "en": "parent unit code"},
        "field.members": {"zh": "党员人数(≥0 的整数)", "en": "members (whole number ≥ 0)"},
        "field.person": {"zh": "姓名", "en": "person"},
        "field.role": {"zh": "分工", "en": "role"},
        "field.note": {"zh": "说明", "en": "note"},
        "field.commitment": {"zh": "承诺编号", "en": "commitment id"},
        "field.text": {"zh": "承诺内容", "en": "what is promised"},
        "field.due": {"zh": "兑现期限(日期)", "en": "due date"},
        "field.public": {"zh": "是否公开承诺", "en": "public commitment?"},
        "field.reason": {"zh": "理由", "en": "reason"},
        "field.participants": {
            "zh": "参加人数(≥0 的整数)",
            "en": "participants (whole number ≥ 0)",
        },
        "field.activity": {"zh": "活动编号", "en": "activity id"},
        "field.review": {"zh": "评议编号", "en": "review id"},
        "field.reviewer": {"zh": "评议人或评议单位", "en": "reviewer"},
        "field.grade": {"zh": "等次", "en": "grade"},
        "field.ratings": {"zh": "五个好:{name},1–5 分", "en": "five goods: {name}, 1–5"},
        "field.method": {"zh": "检查方式(督促检查必填)", "en": "method (required for inspections)"},
        "field.verdict": {"zh": "结论", "en": "verdict"},
        "field.rectification": {"zh": "整改编号", "en": "rectification id"},
        "field.issue": {"zh": "存在问题", "en": "issue"},
        "field.deadline": {"zh": "整改期限(日期)", "en": "deadline"},
        "field.RectificationDeadlineExtended.deadline": {
            "zh": "新的整改期限(须晚于原期限)",
            "en": "new deadline (later than the current one)",
        },
        "field.source": {
            "zh": "来源:评议编号、legacy 或文字",
            "en": "source: a review id, legacy, or text",
        },
        "field.owner": {"zh": "责任人", "en": "owner"},
        "field.supervised": {"zh": "是否挂牌督办", "en": "supervised?"},
        "field.accepted": {"zh": "验收是否通过", "en": "accepted?"},
        "field.verifier": {"zh": "验收人(不能是责任人本人)", "en": "verifier (not the owner)"},
        "field.action": {"zh": "升级措施", "en": "escalation"},
        "field.level": {"zh": "表彰级别", "en": "level"},
        # the report
        "report.title": {"zh": "{title} 活动总结报告", "en": "{title} — campaign summary"},
        "report.stamp": {
            "zh": "截至 {as_of} · 日志位置 {position} · 链头哈希 {head}",
            "en": "as of {as_of} · log position {position} · head hash {head}",
        },
        "report.known_at": {
            "zh": "按 {moment} 时库中所知",
            "en": "as the store knew it at {moment}",
        },
        "report.check": {
            "zh": "核对:cxzy verify --against '{checkpoint}' 通过,即证明本报告所依据的日志未被改动",
            "en": "check: cxzy verify --against '{checkpoint}' passes when the log this report rests on is unchanged",
        },
        "report.generated": {
            "zh": "由 cxzy {version} 于 {at} 生成",
            "en": "generated by cxzy {version} at {at}",
        },
        "report.overview": {"zh": "总体情况", "en": "Overview"},
        "report.units_count": {"zh": "参加单位 {n} 个", "en": "{n:~unit takes|units take} part"},
        "report.phase_line": {
            "zh": "{phase}({start} 至 {end}):完成 {done} 个单位,逾期完成 {late} 个,落后 {behind} 个,事项完成率 {share}",
            "en": "{phase} ({start} to {end}): {done:~unit|units} done on time, {late} done late, {behind} behind; items done {share}",
        },
        "report.phases": {"zh": "各单位阶段完成情况", "en": "Phase completion by unit"},
        "report.behind": {"zh": "落后单位及原因", "en": "Who is behind, and why"},
        "report.nobody_behind": {"zh": "没有落后的单位。", "en": "No unit is behind."},
        "report.missed_item": {
            "zh": "{phase}·{item}:期限 {deadline} 已过,未完成",
            "en": "{phase} · {item}: deadline {deadline} passed, not done",
        },
        "report.broken_commitment": {
            "zh": "承诺 {ref}「{text}」:期限 {due} 已过,未兑现",
            "en": "commitment {ref} \u201c{text}\u201d: due {due}, not fulfilled",
        },
        "report.overdue_rectification": {
            "zh": "整改 {ref}「{issue}」:期限 {deadline} 已过,未销号",
            "en": "rectification {ref} \u201c{issue}\u201d: deadline {deadline} passed, not closed",
        },
        "report.commitments": {"zh": "承诺兑现", "en": "Commitments"},
        "report.commitment_figures": {
            "zh": "承诺共 {total} 项:按期兑现 {kept},逾期兑现 {kept_late},逾期未兑现 {broken},未到期 {open};改期 {renegotiated} 项;兑现率 {rate}",
            "en": "{total:~commitment|commitments}: {kept} fulfilled on time, {kept_late} fulfilled late, {broken} overdue and not fulfilled, {open} not yet due; {renegotiated} renegotiated; fulfilment rate {rate}",
        },
        "report.rectifications": {"zh": "整改落实", "en": "Rectifications"},
        "report.rectifications_listed": {
            "zh": "下表列出未销号、挂牌督办或经通报批评、问责的整改({listed} 项);其余 {others} 项已销号,见专项台帐",
            "en": "The table lists every rectification that is open, supervised or escalated ({listed}); the other {others}, closed, are in the special ledger",
        },
        "report.rectification_figures": {
            "zh": "整改共 {total} 项:已销号 {closed},待验收 {awaiting},整改中 {open},逾期未销号 {overdue};挂牌督办 {supervised} 项,通报批评 {criticised} 项,问责 {accountable} 项",
            "en": "{total:~rectification|rectifications}: {closed} closed, {awaiting} awaiting verification, {open} in progress, {overdue} overdue; {supervised} supervised, {criticised} publicly criticised, {accountable} held accountable",
        },
        "report.grades": {"zh": "等次变化", "en": "Grade changes"},
        "report.no_grades": {"zh": "尚无评定等次。", "en": "No grades yet."},
        "report.awards": {"zh": "表彰", "en": "Awards"},
        "report.no_awards": {"zh": "尚无表彰。", "en": "No awards yet."},
        "report.no_units": {"zh": "尚无单位。", "en": "No units yet."},
        "report.no_chart": {"zh": "尚无可绘制的进度。", "en": "Nothing to chart yet."},
        "report.no_rectifications": {"zh": "尚无整改。", "en": "No rectifications yet."},
        "report.rectifications_all_closed": {
            "zh": "没有未销号、挂牌督办或经通报批评、问责的整改;已销号的 {others} 项见专项台帐",
            "en": "No rectification is open, supervised, or escalated: {others:~closed one is|closed ones are} in the special ledger",
        },
        "report.rectifications_all_listed": {
            "zh": "下表列出未销号、挂牌督办或经通报批评、问责的整改({listed} 项),即全部整改",
            "en": "The table lists every rectification that is open, supervised or escalated ({listed}): that is all of them",
        },
        "report.col.grade_changes": {"zh": "等次变化", "en": "grade changes"},
        # the ledger's words (单位汇总: 已兑现 fulfilled); "kept" is on time only
        "report.col.commitments": {
            "zh": "承诺 兑现/总数/逾期",
            "en": "commitments fulfilled/total/overdue",
        },
        "report.legend": {
            "zh": "承诺 = 兑现/总数/逾期;整改事项 = 未销号/总数/逾期/督办/升级(通报批评或问责)",
            "en": "commitments = fulfilled/total/overdue; rectifications = open/total/overdue/supervised/escalated (publicly criticised or held accountable)",
        },
        "report.chart": {
            "zh": "各阶段事项完成率变化",
            "en": "Share of items done per phase over time",
        },
        "report.chart_alt": {
            "zh": "折线图:各阶段事项完成率随时间的变化",
            "en": "Line chart: share of checklist items done per phase over time",
        },
        "report.none": {"zh": "(无)", "en": "(none)"},
    }
)

# The command line's help (argparse's own words: cxzy/cli/usage.py).
LABELS.update(
    {
        "cli.description": {
            "zh": "创先争优活动台帐:事件日志、导入、状态、看板。不带命令时打开看板。",
            "en": "创先争优 campaign tracker: event log, imports, status, dashboard."
            " Without a command, opens the dashboard.",
        },
        "cli.version_line": {
            "en": "cxzy {version} (store figures version {figures})",
            "zh": "cxzy {version}(数据库统计数据第 {figures} 版)",
        },
        "cli.version": {"zh": "显示版本并退出", "en": "show the version and exit"},
        "cli.store": {
            "zh": "SQLite 文件或 postgresql:// 地址(默认:$CXZY_STORE,否则为每个用户一个文件)",
            "en": "SQLite file or postgresql:// URL (default: $CXZY_STORE or a per-user file)",
        },
        "cli.lang": {
            "zh": "界面语言:zh 或 en(默认:$CXZY_LANG,否则 zh)",
            "en": "interface language: zh or en (default: $CXZY_LANG, else zh)",
        },
        "cli.import": {
            "zh": "导入 JSON Lines、CSV 或 XLSX 文件(全部写入或全不写入)",
            "en": "import JSON Lines, CSV or XLSX files (all or nothing)",
        },
        "cli.dry_run": {"zh": "只检查,不写入", "en": "check only, write nothing"},
        "cli.template_unit": {
            "zh": "为一个单位(代码或名称)生成:只列它和下属单位的代码,不含办公室自己的记录表",
            "en": "for one unit (code or name): only its and its subunits' codes, no sheets of"
            " the office's own records",
        },
        "cli.import_unit": {
            "zh": "报来文件的单位(代码或名称):每条记录须关于它或其下属单位,否则整个导入被拒绝",
            "en": "the unit that sent the files in (code or name): every record must be about"
            " it or a unit under it, else the whole import is refused",
        },
        "cli.encoding": {
            "zh": "CSV 文件的编码,如 gbk(默认:UTF-8,否则识别为 GBK/GB18030)",
            "en": "encoding of CSV files, e.g. gbk (default: UTF-8, else GBK/GB18030 detected)",
        },
        "cli.status": {"zh": "各单位各阶段的状态", "en": "status of every unit in every phase"},
        "cli.as_of": {
            "zh": "截至哪一天(默认:活动所在时区的今天,只给 --known-at 时也是)",
            "en": "the day (default: today in the campaign's zone, with --known-at alone too)",
        },
        "cli.known_at": {
            "zh": "只看那一时刻数据库已记录的内容(ISO 8601;不带时区的时间按活动所在时区)",
            "en": "only what the store had recorded then (ISO 8601; a time without an offset is in the campaign's zone)",
        },
        "cli.format": {"zh": "输出格式", "en": "output format"},
        "cli.audit": {
            "zh": "json:加上日志位置和链头哈希,以及各单位迟报的条数",
            "en": "json: add the log position and head hash, and each unit's late-reported count",
        },
        "cli.log": {"zh": "事件日志", "en": "the event log"},
        "cli.log_unit": {
            "zh": "只看这个单位(代码,大小写不限,或它现在或曾经的名称)",
            "en": "only this unit (its code in any case, or a name it has or had)",
        },
        "cli.status_unit": {
            "zh": "只看这个单位(代码,大小写不限,或它现在或曾经的名称)",
            "en": "only this unit (its code in any case, or a name it has or had)",
        },
        "cli.status_subtree": {
            "zh": "连同 --unit 所属的各级单位(表格下另列合计)",
            "en": "with the units under --unit's, at every level (the table adds their totals)",
        },
        "cli.log_subtree": {
            "zh": "连同 --unit 所属各级单位的记录",
            "en": "with the records of the units under --unit's, at every level",
        },
        "cli.log_type": {
            "zh": "只看这种记录:类型名(如 CommitmentMade,大小写不限)或日志所示的类型(如 作出承诺)",
            "en": "only records of this type: its name (CommitmentMade, any case) or its words"
            ' ("commitment made", or 作出承诺 as the Chinese log shows it)',
        },
        "cli.since": {
            "zh": "发生在这一天及以后(活动所在时区的日期)",
            "en": "happened on or after this day (in the campaign's zone)",
        },
        "cli.until": {
            "zh": "发生在这一天及以前(活动所在时区的日期)",
            "en": "happened on or before this day (in the campaign's zone)",
        },
        "cli.top_exit": {
            "en": "exit status: each command's, in its help (cxzy COMMAND -h); 2 usage error; 130, 143, 129 stopped by Ctrl-C, SIGTERM, SIGHUP (what was being written is not written). Without a command the dashboard opens: 0 when it is closed, 1 when it cannot open (the reason on standard error), 75 when the store's PostgreSQL server does not answer (try again)",
            "zh": "退出码:各命令的见其帮助(cxzy 命令 -h);2 用法错误;130、143、129 被 Ctrl-C、SIGTERM、SIGHUP 中止(正在写的内容不会写入)。不带命令时打开看板:关闭后为 0,无法打开为 1(原因写在标准错误),PostgreSQL 服务器无应答为 75(请稍后重试)",
        },
        "cli.import_exit": {
            "zh": "退出码:0 已写入(或全部已存在);1 输入被拒绝,未写入任何内容,原因逐条写在标准错误;2 用法错误;74 数据库所在磁盘(或 SQLite 的临时文件夹)已满,未写入任何内容;75 数据库被另一个程序占用过久、PostgreSQL 服务器无应答或内存不足,未写入任何内容,请稍后重试",
            "en": "exit status: 0 written (or all already present); 1 input refused, nothing written, each reason on standard error; 2 usage error; 74 the store's disk (or SQLite's temporary folder) full, nothing written; 75 another program held the store too long, its PostgreSQL server not answering, or memory running out, nothing written: try again later",
        },
        "cli.status_exit": {
            "zh": "退出码:0 已输出;1 无法给出(没有数据库、日期有误等,原因写在标准错误);2 用法错误;74 输出写不出(磁盘已满);75 数据库忙、首次导入尚未提交或 PostgreSQL 服务器无应答(请稍后重试)",
            "en": "exit status: 0 shown; 1 not possible (no store, a bad date, …: the reason on standard error); 2 usage error; 74 the output could not be written (a full disk); 75 the store busy, its first import not committed yet, or its PostgreSQL server not answering (try again)",
        },
        "cli.shown_exit": {
            "zh": "退出码:0 已输出;1 无法给出(没有数据库、日期有误等,原因写在标准错误);2 用法错误;74 输出写不出(磁盘已满);75 数据库忙、首次导入尚未提交或 PostgreSQL 服务器无应答(请稍后重试)",
            "en": "exit status: 0 shown; 1 not possible (no store, a bad date, …: the reason on standard error); 2 usage error; 74 the output could not be written (a full disk); 75 the store busy, its first import not committed yet, or its PostgreSQL server not answering (try again)",
        },
        "cli.checkpoint_exit": {
            "zh": "退出码:0 已输出;1 无法给出(没有数据库、日志已被破坏等,原因写在标准错误);2 用法错误;74 输出写不出(磁盘已满);75 数据库忙、首次导入尚未提交或 PostgreSQL 服务器无应答(请稍后重试)",
            "en": "exit status: 0 shown; 1 not possible (no store, a broken log, …: the reason on standard error); 2 usage error; 74 the output could not be written (a full disk); 75 the store busy, its first import not committed yet, or its PostgreSQL server not answering (try again)",
        },
        "cli.written_exit": {
            "zh": "退出码:0 已写出;1 未写出(文件已存在而未给 --force、日期有误等,原因写在标准错误);2 用法错误;74 文件写不出(磁盘已满);75 数据库忙、首次导入尚未提交或 PostgreSQL 服务器无应答(请稍后重试)",
            "en": "exit status: 0 written; 1 not written (the file exists and --force was not given, a bad date, …: the reason on standard error); 2 usage error; 74 the file could not be written (a full disk); 75 the store busy, its first import not committed yet, or its PostgreSQL server not answering (try again)",
        },
        "cli.template_exit": {
            "zh": "退出码:0 已写出;1 未写出(文件已存在而未给 --force、没有数据库等,原因写在标准错误);2 用法错误;74 文件写不出(磁盘已满);75 数据库忙、首次导入尚未提交或 PostgreSQL 服务器无应答(请稍后重试)",
            "en": "exit status: 0 written; 1 not written (the file exists and --force was not given, no store, …: the reason on standard error); 2 usage error; 74 the file could not be written (a full disk); 75 the store busy, its first import not committed yet, or its PostgreSQL server not answering (try again)",
        },
        "cli.demo_exit": {
            "zh": "退出码:0 已载入(或早已载入);1 无法载入(数据库里是另一场活动等,原因写在标准错误),未写入任何内容;2 用法错误;74 数据库所在磁盘(或 SQLite 的临时文件夹)已满,未写入任何内容;75 数据库被另一个程序占用过久、PostgreSQL 服务器无应答或内存不足,未写入任何内容,请稍后重试",
            "en": "exit status: 0 loaded (or loaded before); 1 not possible (the store holds another campaign, …: the reason on standard error), nothing written; 2 usage error; 74 the store's disk (or SQLite's temporary folder) full, nothing written; 75 another program held the store too long, its PostgreSQL server not answering, or memory running out, nothing written: try again later",
        },
        "cli.store_template_exit": {
            "zh": "退出码:0 已输出;1 无法给出(没有数据库、尚未规划活动等,原因写在标准错误);2 用法错误;74 输出写不出(磁盘已满);75 数据库忙、首次导入尚未提交或 PostgreSQL 服务器无应答(请稍后重试)",
            "en": "exit status: 0 shown; 1 not possible (no store, no campaign planned, …: the reason on standard error); 2 usage error; 74 the output could not be written (a full disk); 75 the store busy, its first import not committed yet, or its PostgreSQL server not answering (try again)",
        },
        "cli.store_exit": {
            "zh": "退出码:0 已完成;1 未完成,未写入任何内容(原因写在标准错误);2 用法错误;74 数据库所在磁盘(或 SQLite 的临时文件夹)已满,未写入任何内容;75 数据库被另一个程序占用过久、PostgreSQL 服务器无应答或内存不足,未写入任何内容,请稍后重试",
            "en": "exit status: 0 done; 1 not done, nothing written (the reason on standard error); 2 usage error; 74 the store's disk (or SQLite's temporary folder) full, nothing written; 75 another program held the store too long, its PostgreSQL server not answering, or memory running out, nothing written: try again later",
        },
        "cli.verify_exit": {
            "zh": "退出码:0 日志完好;1 有记录被改动、删除或调换顺序(指出第一个出错的位置),或无法校验;2 用法错误;74 结果写不出(磁盘已满);75 导入占用数据库超过 30 秒的等待、首次导入尚未提交或 PostgreSQL 服务器无应答(请稍后重试)",
            "en": "exit status: 0 the log is intact; 1 a record was altered, removed or reordered (the first bad position named), or it could not be checked; 2 usage error; 74 the result could not be written (a full disk); 75 an import held the store past the 30 s wait, its first import not committed yet, or its PostgreSQL server not answering (try again)",
        },
        "cli.late": {
            "zh": "只看迟报的记录(发生后超过模板规定的天数才入库,内置模板为 7 天)",
            "en": "only records stored late: more than the template's days after they happened (7 in the built-in template)",
        },
        "cli.demo": {
            "zh": "载入演示历史,然后打开看板",
            "en": "load the demo history, then open the dashboard",
        },
        "cli.no_open": {"zh": "只载入,不打开看板", "en": "load only"},
        "cli.verify": {
            "zh": "重新计算哈希链:日志是否完整?",
            "en": "recompute the hash chain: is the log intact?",
        },
        "cli.figures": {
            "zh": "同时按日志重算各项数字(读模型)并与库中的逐表比对(不写入任何内容;期间导入须等待,百万条约需一两分钟)",
            "en": "also make the figures (the read model) again from the log and compare them table by table (nothing is written; imports wait meanwhile: a minute or two at a million events)",
        },
        "cli.against": {
            "zh": "同时证明日志是这个检查点的延续(cxzy checkpoint 打印的一行)",
            "en": "also prove the log extends this checkpoint (a line printed by cxzy checkpoint)",
        },
        "cli.checkpoint": {
            "zh": "打印日志的位置、链头哈希和时间,一行",
            "en": "print the log's position, head hash and time, as one line",
        },
        "cli.store_command": {
            "zh": "管理数据库:把一个复制到另一个,由日志重新计算统计数据,或打印活动所依据的模板",
            "en": "manage stores: copy one into another, make the figures again from the log,"
            " or print the template the campaign runs on",
        },
        "cli.store_rebuild": {
            "zh": "由日志重新计算 --store 的统计数据(读模型),哈希链不变",
            "en": "make the figures (the read model) of --store again from its log; the hash "
            "chain is kept",
        },
        "cli.store_template": {
            "zh": "打印 --store 中活动所依据的模板:规划活动时数据库保存的 TOML 文本",
            "en": "print the template the campaign of --store runs on (its TOML text, as the"
            " store kept it when the campaign was planned)",
        },
        "cli.store_copy": {
            "zh": "把 SRC 的全部事件复制到空的 DST(SQLite 文件或 postgresql:// 地址)",
            "en": "copy every event of SRC into an empty DST (SQLite file or postgresql:// URL)",
        },
        "cli.store_copy_source": {
            "zh": "要复制的数据库",
            "en": "the store to copy",
        },
        "cli.store_copy_target": {
            "zh": "新的空数据库(不存在的文件,或没有 cxzy 表的模式)",
            "en": "a new, empty store (a file that does not exist, or a schema without cxzy's tables)",
        },
        "cli.template": {
            "zh": "生成供各单位填写的工作簿(每种记录一张表)",
            "en": "write the fill-in workbook for units (one sheet per record type)",
        },
        "cli.template_output": {"zh": "写到这个 .xlsx 文件", "en": "the .xlsx file to write"},
        "cli.force": {
            "zh": "覆盖已有的同名文件",
            "en": "replace a file of that name",
        },
        "cli.force_not_ours": {
            "zh": "也覆盖不是 cxzy 生成的同名文件(cxzy 生成的会直接替换)",
            "en": "also replace a file of that name that cxzy did not write (its own are replaced anyway)",
        },
        "cli.export": {"zh": "导出专项台帐", "en": "export the special ledger (专项台帐)"},
        "cli.ledger": {
            "zh": "截至某天的台帐:XLSX 或 CSV 文件",
            "en": "the ledger as of a day: XLSX, or CSV files",
        },
        "cli.ledger_output": {
            "zh": "FILE.xlsx,或 csv 时为一个文件夹",
            "en": "FILE.xlsx, or a folder for csv",
        },
        "cli.ledger_format": {
            "zh": "默认 xlsx(csv:每张表一个文件)",
            "en": "default: xlsx (csv: one file per sheet)",
        },
        "cli.report": {
            "zh": "活动总结报告,HTML 或 Markdown",
            "en": "the campaign summary as HTML or Markdown",
        },
        "cli.import_files": {
            "zh": ".jsonl、.csv 或 .xlsx 文件;- 读标准输入(JSON Lines)",
            "en": "a .jsonl, .csv or .xlsx file; - reads JSON Lines from standard input",
        },
        "cli.report_output": {
            "zh": "写到这个 .html 或 .md 文件",
            "en": "the .html or .md file to write",
        },
    }
)


class _Words(string.Formatter):
    """``str.format`` and one addition for English: ``{n:~record|records}`` is the
    count and the word for it ("1 record", "2 records")."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("~"):
            one, _, many = format_spec[1:].partition("|")
            return f"{value} {one if value == 1 else many}"
        return super().format_field(value, format_spec)


_WORDS = _Words()


def message(code: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """A rule or format message in the given language."""
    texts = MESSAGES.get(code) or LABELS.get(code)
    if texts is None:
        return code + (f" {params}" if params else "")
    text = texts.get(lang) or texts["en"]
    # a parameter that is itself a message (a Violation) speaks the same language
    params = {k: rendered(v, lang) if isinstance(v, _SAID) else v for k, v in params.items()}
    try:
        return _WORDS.format(text, **params) if ":~" in text else text.format(**params)
    except (KeyError, IndexError):
        return text


#: What a message holds that is said in its language
_SAID = (Violation, Coded, Choices, Listed, TemplatePlace)


def rendered(said: Violation | Coded | Choices | Listed | TemplatePlace, lang: str) -> str:
    """A rule's violation, or a part of its message, in the given language."""
    if isinstance(said, Violation):
        return message(said.code, lang, **said.params)
    if isinstance(said, Coded):
        return code_label(said.group, said.code, lang)
    if isinstance(said, Choices):
        return _choices(said, lang)
    if isinstance(said, Listed):
        if lang != "en":
            return "、".join(said.names)
        *rest, last = said.names or [""]
        return f"{', '.join(rest)} and {last}" if rest else last
    place = "".join(rendered(part, lang) for part in said.where)
    return f"{place}{':' if lang == 'zh' else ': '}{rendered(said.reason, lang)}"


def _choices(said: Choices, lang: str) -> str:
    """The codes a field takes, in Chinese each with its words."""
    if lang == "en":  # (the codes are English words; a template's names may not be)
        return ", ".join(
            f"{code} ({name})" if (name := said.names.get(code, {}).get(lang)) else code
            for code in said.codes
        )
    shown = []
    for code in said.codes:
        named = said.names.get(code, {}).get(lang)
        words = named or field_words(said.type, said.field, code, lang)
        shown.append(f"{code}({words})" if words and words != code else code)
    return "、".join(shown)


def t(key: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """A label of the interface."""
    return message(key, lang, **params)


def code_label(group: str, code: str | None, lang: str = DEFAULT_LANG) -> str:
    """The words for a code of the format (``grade`` ``advanced`` → 先进); the code
    itself when there are none."""
    if code is None:
        return ""
    key = f"{group}.{code}"
    return t(key, lang) if key in LABELS else code


_ACTIVITY_KIND = "activity_kind"  # (named by a campaign's template but self_chosen)
#: The fields of records that hold a code of the format: the group of its words.
CODED_FIELDS = {
    ("UnitRegistered", "kind"): "unit_kind",
    # (a template's kinds are named by the template: only self_chosen's words are here)
    ("ActivityHeld", "kind"): _ACTIVITY_KIND,
    ("LeaderAssigned", "role"): "role",
    ("ReviewRecorded", "kind"): "review_kind",
    ("ReviewRecorded", "grade"): "grade",
    ("ReviewRecorded", "method"): "method",
    ("ReviewRecorded", "verdict"): "verdict",
    ("RectificationOpened", "source"): "source",
    ("RectificationEscalated", "action"): "action",
    ("CommendationAwarded", "title"): "award_title",
    ("CommendationAwarded", "level"): "award_level",
}


#: Words DOMAIN.md's glossary gives a code besides the interface's own (中间状态 for
#: 中间): what a unit types from the plan is taken as well.
ALSO_WORDS: dict[str, tuple[str, ...]] = {
    "grade.middle": ("中间状态",),
    "review_kind.mass_evaluation": ("evaluation",),
    "review_kind.superior_assessment": ("assessment",),
    "review_kind.leader_commentary": ("点评", "commentary"),
    # (the interface's English words before decision 230, and the other spelling)
    "activity_kind.self_chosen": ("self-chosen",),
    "verdict.criticize": ("criticized",),
    "verdict.commend": ("commend",),
    "award_title.model": ("model",),
}


def code_named(type_: str, field: str, words: str) -> str | None:
    """The code of a record's field whose words, in any language of the interface
    or the glossary's (:data:`ALSO_WORDS`), are ``words``, or which is ``words``
    in another case (``ReviewRecorded``'s ``grade`` 先进, Advanced or ADVANCED →
    ``advanced``); None when none are."""
    group = CODED_FIELDS.get((type_, field))
    if group is None:
        return None
    wanted = words.casefold()
    return next(
        (
            code
            for code, texts in _codes_of(group)
            if code.casefold() == wanted
            or any(w.casefold() == wanted for w in texts.values())
            or any(w.casefold() == wanted for w in ALSO_WORDS.get(f"{group}.{code}", ()))
        ),
        None,
    )


def type_shown(type_: str, lang: str = DEFAULT_LANG) -> str:
    """A record type as the log's type column shows it: in Chinese its words (作出承诺,
    which ``type:`` and ``--type`` take too), in English its name."""
    return code_label("type", type_, lang) if lang == "zh" else type_


def type_named(text: str) -> str | None:
    """The record type ``text`` names: its name in any case (``commitmentmade``), or
    its words in either language (作出承诺, as the log shows it in Chinese); None
    when it names none."""
    wanted = text.strip().casefold()
    return next(
        (
            code
            for code, words in _codes_of("type")
            if wanted == code.casefold() or any(wanted == w.casefold() for w in words.values())
        ),
        None,
    )


def _codes_of(group: str) -> Iterator[tuple[str, Mapping[str, str]]]:
    """The codes of a group that have words, with their words by language."""
    prefix = f"{group}."
    return (
        (key.removeprefix(prefix), texts) for key, texts in LABELS.items() if key.startswith(prefix)
    )


def field_words(type_: str, field: str, value: Any, lang: str = DEFAULT_LANG) -> str | None:
    """The words for a record's field that holds a code (``ReviewRecorded``'s
    ``grade`` ``advanced`` → 先进); None for other fields, and for a value with
    no words (free text in ``source``, say)."""
    group = CODED_FIELDS.get((type_, field))
    if group is None or not isinstance(value, str) or f"{group}.{value}" not in LABELS:
        return None
    return t(f"{group}.{value}", lang)


def value_words(field: str, value: Any, lang: str = DEFAULT_LANG) -> str | None:
    """Words for a record's value that is not a code: a verdict (``accepted``:
    通过 / 不通过), another yes or no (是 / 否), five-goods ratings (领导班子好 2 …);
    None for any other value."""
    if isinstance(value, bool):
        if field == "accepted":
            return t("accepted" if value else "rejected", lang)
        return t("yes" if value else "no", lang)
    if field == "ratings" and isinstance(value, dict):
        return " ".join(f"{code_label('rating', k, lang)} {v}" for k, v in value.items())
    return None


_HINT = re.compile(r"\s*[((::].*$|\?$")


def field_name(type_: str, field: str, lang: str = DEFAULT_LANG) -> str | None:
    """What a record's field is called (``CommitmentMade``'s ``due`` → 兑现期限): the
    template's column note without its hint; None for a field with no note."""
    if field == "ratings":
        return t("tui_ratings", lang)
    for key in (f"field.{type_}.{field}", f"field.{field}"):
        if key in LABELS:
            return _HINT.sub("", t(key, lang)) or None
    return None


def field_named(words: str, type_: str | None = None) -> str | None:
    """The field a column named in words stands for (发生时间 → ``at``, as the
    fill-in workbook's notes call it), in either language: one of ``type_``'s
    fields, or with no type the one field those words name in every type that has
    them; None for words that name no field, or several."""
    wanted = words.strip().casefold()
    found: set[str] = set()
    for type_of in [type_] if type_ is not None else list(TYPES):
        for field in (*COMMON_FIELDS, *TYPES[type_of]):
            if any((field_name(type_of, field, lang) or "").casefold() == wanted for lang in LANGS):
                found.add(field)
    return found.pop() if len(found) == 1 else None


def codes_named(
    text: str,
    marked: Mapping[str, Sequence[str]],
    lang: str = DEFAULT_LANG,
    kinds: Mapping[str, Mapping[str, str]] | None = None,
) -> list[tuple[str, str, str | bool | None]]:
    """The (record type, field, code) of the codes of ``marked`` fields (per record
    type) whose words contain ``text`` (any case): what a search of the log for the
    words it shows must also match (组长 → a ``LeaderAssigned`` of ``role``
    ``leader``; 不通过 → a ``RectificationVerified`` not ``accepted``; 兑现期限
    2011-03-31 → a ``due`` of that day; 期限 → any ``due`` (code None)). ``kinds``:
    the campaign template's activity kinds with their names (组织学习 → ``study``)."""
    needle = text.casefold()
    found: list[tuple[str, str, str | bool | None]] = []
    for type_, fields in marked.items():
        for field in fields:
            group = CODED_FIELDS.get((type_, field))
            if group is None:  # a yes or no, or a day shown after the field's name
                found.extend(
                    (type_, field, value)
                    for value in (True, False)
                    if needle in (value_words(field, value, lang) or "").casefold()
                )
                name = (field_name(type_, field, lang) or "").casefold()
                if name and needle.startswith(f"{name} "):  # 兑现期限 2011-03-31
                    found.append((type_, field, text[len(name) + 1 :].strip()))
                elif name and needle in name:  # 期限: any of them
                    found.append((type_, field, None))
                continue
            found.extend(
                (type_, field, code)
                for code, _ in _codes_of(group)
                if needle in t(f"{group}.{code}", lang).casefold()
            )
            if group == _ACTIVITY_KIND:
                found.extend(
                    (type_, field, code)
                    for code, names in (kinds or {}).items()
                    if needle in names.get(lang, code).casefold()
                )
    return found


def summary_label(
    type_: str,
    summary: str | None,
    lang: str = DEFAULT_LANG,
    person: str | None = None,
    life: str | None = None,
    marks: Sequence[tuple[str, Any]] = (),
    kinds: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """A log row's summary in words. The person the record names (a leader, a
    contact, a visitor, an awardee) comes first, short and never cut off by a
    narrow column: ``张三 · 组长``; then the commitment or rectification the record
    is of, then the words of its codes (``marks``: a leader's role, an award's title,
    a review's kind and grade, whether a verification passed, the day a commitment
    is due, the checklist item an activity counts for, by ``kinds``: the campaign
    template's activity kinds with their names), then its text: ``R-ZP-3 · 不通过 ·
    抽查3个野外项目部…``."""
    words = [_mark_words(type_, field, value, lang, kinds) for field, value in marks]
    return " · ".join(part for part in (person, life, *words, summary) if part)


def _mark_words(
    type_: str, field: str, value: Any, lang: str, kinds: Mapping[str, Mapping[str, str]] | None
) -> str:
    """A mark in words: a code's (先进), a yes or no's (不通过), an activity kind's
    as the template names it (组织学习), else the field's name and the value
    (兑现期限 2011-03-31)."""
    if CODED_FIELDS.get((type_, field)) == _ACTIVITY_KIND and value in (kinds or {}):
        return (kinds or {})[value].get(lang, value)
    words = field_words(type_, field, value, lang) or value_words(field, value, lang)
    if words:
        return words
    name = field_name(type_, field, lang)
    return f"{name} {value}" if name else str(value)
