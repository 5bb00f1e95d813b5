"""The translations of the command line's help (``coder --help``, ``coder CMD --help``: each
command's and option's help text), of argparse's own words (usage, the help's sections, its usage
errors) and of the messages of the modules below ``coder.i18n`` (media, preferences), kept as a
table like ``messages.ROWS`` and written into the same .po files by
``python -m coder.locale.translations``.

Each row: English, Simplified (mainland usage), Traditional (Taiwan usage: 引數 for an argument,
選項, 預設, 專案, 檔案, 資料庫, 伺服器, 匯入/匯出, 儲存, 復原, 逐字稿, 編碼簿, 列 a row and 欄 a
column, 活頁簿). Option names, commands, metavariables (PROJECT, NAME, N), file suffixes and the
``%(fields)s``/``{fields}`` stay as they are, and so does ``%%`` (a literal percent in help).

Length: a data table, one row per help text; its length is the number of options the commands
have. Kept in one file so a translator reads and fixes the help's wording in one place.
"""

from __future__ import annotations

ROWS: list[tuple[str, str, str]] = [
    # -- argparse's own words ----------------------------------------------------------------
    ("usage: ", "用法：", "用法："),
    ("positional arguments", "位置参数", "位置引數"),
    ("options", "选项", "選項"),
    ("show this help message and exit", "显示本帮助并退出", "顯示本說明並結束"),
    (
        "%(prog)s: error: %(message)s\n",
        "%(prog)s：错误：%(message)s\n",
        "%(prog)s：錯誤：%(message)s\n",
    ),
    (
        "argument %(argument_name)s: %(message)s",
        "参数 %(argument_name)s：%(message)s",
        "引數 %(argument_name)s：%(message)s",
    ),
    (
        "the following arguments are required: %s",
        "缺少以下必需参数：%s",
        "缺少下列必要引數：%s",
    ),
    ("one of the arguments %s is required", "参数 %s 中必须给出一个", "引數 %s 中必須提供一個"),
    ("unrecognized arguments: %s", "无法识别的参数：%s", "無法辨識的引數：%s"),
    (
        "invalid choice: %(value)r (choose from %(choices)s)",
        "无效的选择：%(value)r（可选：%(choices)s）",
        "無效的選擇：%(value)r（可選：%(choices)s）",
    ),
    (
        "invalid %(type)s value: %(value)r",
        "无效的 %(type)s 值：%(value)r",
        "無效的 %(type)s 值：%(value)r",
    ),
    ("expected one argument", "需要一个参数值", "需要一個引數值"),
    ("expected at most one argument", "最多需要一个参数值", "最多需要一個引數值"),
    ("expected at least one argument", "至少需要一个参数值", "至少需要一個引數值"),
    ("expected %s argument", "需要 %s 个参数值", "需要 %s 個引數值"),
    ("expected %s arguments", "需要 %s 个参数值", "需要 %s 個引數值"),
    (
        "ambiguous option: %(option)s could match %(matches)s",
        "选项有歧义：%(option)s 可匹配 %(matches)s",
        "選項有歧義：%(option)s 可對應 %(matches)s",
    ),
    ("not allowed with argument %s", "不能与参数 %s 同时使用", "不能與引數 %s 同時使用"),
    ("ignored explicit argument %r", "已忽略显式给出的参数值 %r", "已忽略明確給出的引數值 %r"),
    ("unexpected option string: %s", "意外的选项：%s", "非預期的選項：%s"),
    (
        "unknown parser %(parser_name)r (choices: %(choices)s)",
        "未知的命令 %(parser_name)r（可选：%(choices)s）",
        "未知的命令 %(parser_name)r（可選：%(choices)s）",
    ),
    (
        "can't open '%(filename)s': %(error)s",
        "无法打开 '%(filename)s'：%(error)s",
        "無法開啟 '%(filename)s'：%(error)s",
    ),
    # -- the interface language, media and preferences ----------------------------------------
    (
        "--ui-lang {option}: not one of {languages}; nothing was done",
        "--ui-lang {option}：不是 {languages} 之一；未执行任何操作",
        "--ui-lang {option}：不是 {languages} 之一；未執行任何動作",
    ),
    (
        "{file}: no such file; nothing was changed",
        "{file}：文件不存在；未作任何更改",
        "{file}：檔案不存在；未做任何變更",
    ),
    (
        "{name} has no recording linked; link one with: coder media PROJECT {name} FILE",
        "{name} 尚未关联录音；可用以下命令关联：coder media PROJECT {name} FILE",
        "{name} 尚未連結錄音檔；可用下列指令連結：coder media PROJECT {name} FILE",
    ),
    (
        "{name}: its recording {linked} is not there (moved?); link it again with: "
        "coder media PROJECT {name} FILE",
        "{name}：其录音 {linked} 不在原处（被移动了？）；可用以下命令重新关联：coder media "
        "PROJECT {name} FILE",
        "{name}：其錄音檔 {linked} 不在原處（被移動了？）；可用下列指令重新連結：coder media "
        "PROJECT {name} FILE",
    ),
    (
        "offset {offset} is outside {name} (0–{chars})",
        "偏移量 {offset} 超出 {name} 的范围（0–{chars}）",
        "位移 {offset} 超出 {name} 的範圍（0–{chars}）",
    ),
    (
        "{name} has no times in its turns; playing from the start",
        "{name} 的发言段没有时间标记；从头播放",
        "{name} 的發言段沒有時間標記；從頭播放",
    ),
    (
        "no media player found: install mpv or ffplay (ffmpeg); the recording is {path}",
        "未找到媒体播放器：请安装 mpv 或 ffplay（ffmpeg）；录音文件为 {path}",
        "找不到媒體播放器：請安裝 mpv 或 ffplay（ffmpeg）；錄音檔為 {path}",
    ),
    (
        "no media player found: install mpv or ffplay (ffmpeg); the recording is {path} at {stamp}",
        "未找到媒体播放器：请安装 mpv 或 ffplay（ffmpeg）；录音文件为 {path}，位置 {stamp}",
        "找不到媒體播放器：請安裝 mpv 或 ffplay（ffmpeg）；錄音檔為 {path}，位置 {stamp}",
    ),
    (
        "{path}: not readable as the number-key settings ({reason}); the number keys start "
        "empty and the file is left as it is",
        "{path}：无法读取为数字键设置（{reason}）；数字键从空白开始，该文件保持不变",
        "{path}：無法讀取為數字鍵設定（{reason}）；數字鍵從空白開始，該檔案保持不變",
    ),
    (
        "{path}: the number keys could not be saved ({reason}); they last for this session",
        "{path}：数字键无法保存（{reason}）；仅在本次会话中有效",
        "{path}：數字鍵無法儲存（{reason}）；僅在本次工作階段有效",
    ),
    (
        "{path}: the interface language could not be saved ({reason}); it lasts for this session",
        "{path}：界面语言无法保存（{reason}）；仅在本次会话中有效",
        "{path}：介面語言無法儲存（{reason}）；僅在本次工作階段有效",
    ),
    (
        "{path}: whether suggestions show could not be saved ({reason}); it lasts for this session",
        "{path}：是否显示编码建议的设置无法保存（{reason}）；仅在本次会话中有效",
        "{path}：是否顯示編碼建議的設定無法儲存（{reason}）；僅在本次工作階段有效",
    ),
    # -- coder --help: the program and its options ---------------------------------------------
    ("A grounded-theory coding workbench.", "扎根理论编码工作台。", "紮根理論編碼工作台。"),
    (
        "the interface language: en, zh-Hans or zh-Hant (default: $CODER_LANG, your preference, "
        "the system locale)",
        "界面语言：en、zh-Hans 或 zh-Hant（默认：$CODER_LANG、您的偏好设置、系统区域设置）",
        "介面語言：en、zh-Hans 或 zh-Hant（預設：$CODER_LANG、您的偏好設定、系統地區設定）",
    ),
    (
        "work as this coder (default: $CODER_USER or your login name)",
        "以此编码者身份工作（默认：$CODER_USER 或您的登录名）",
        "以此編碼者身分工作（預設：$CODER_USER 或您的登入帳號）",
    ),
    ("show a traceback on errors", "出错时显示回溯信息", "出錯時顯示追蹤訊息"),
    # -- the commands ------------------------------------------------------------------------
    ("create an empty project file", "创建一个空的项目文件", "建立一個空白的專案檔"),
    (
        "copy a whole project, history included, between a file and a PostgreSQL server "
        "(either way)",
        "在文件与 PostgreSQL 服务器之间（双向）复制整个项目，包括历史记录",
        "在檔案與 PostgreSQL 伺服器之間（雙向）複製整個專案，包括歷史紀錄",
    ),
    (
        "members and their roles: owner, coder, reader",
        "成员及其角色：owner（所有者）、coder（编码者）、reader（读者）",
        "成員及其角色：owner（擁有者）、coder（編碼者）、reader（讀者）",
    ),
    (
        "build the demo project (first time) and open it",
        "构建示例项目（首次）并打开",
        "建立示範專案（首次）並開啟",
    ),
    ("open a project in the terminal UI", "在终端界面中打开项目", "在終端機介面中開啟專案"),
    (
        "the workbench in a browser (textual-serve; see docs/serve.md)",
        "在浏览器中使用工作台（textual-serve；见 docs/serve.md）",
        "在瀏覽器中使用工作台（textual-serve；見 docs/serve.md）",
    ),
    (
        "import transcripts (.txt .md .docx .srt .vtt .pdf; folders recursively), sheets (.csv "
        ".tsv .xlsx .ods: a row per source), MAXQDA structured text (a .txt whose first line "
        "starts with #TEXT) or REFI-QDA .qdpx/.qdc",
        "导入访谈文本（.txt .md .docx .srt .vtt .pdf；文件夹会递归读取）、表格（.csv .tsv .xlsx "
        ".ods：每行一份资料）、MAXQDA 结构化文本（首行以 #TEXT 开头的 .txt）或 REFI-QDA .qdpx/.qdc",
        "匯入逐字稿（.txt .md .docx .srt .vtt .pdf；資料夾會遞迴讀取）、試算表（.csv .tsv .xlsx "
        ".ods：每列一份資料）、MAXQDA 結構化文字（首行以 #TEXT 開頭的 .txt）或 REFI-QDA .qdpx/.qdc",
    ),
    (
        "show the speaker turns of sources, or find them again (--detect, --speakers): one "
        "undoable step; the text and the codings stay",
        "显示资料的发言段，或重新识别（--detect、--speakers）：一步可撤销的操作；文本和编码保持不变",
        "顯示資料的發言段，或重新辨識（--detect、--speakers）：一步可復原的操作；文字與編碼保持不變",
    ),
    (
        "link a source to its recording (audio or video; referenced, not copied), or show the link",
        "将资料关联到其录音或录像（只引用，不复制），或显示已有的关联",
        "將資料連結到其錄音或錄影檔（只參照，不複製），或顯示已有的連結",
    ),
    (
        "play a source's recording from the time of the turn at an offset (mpv or ffplay)",
        "从某偏移量所在发言段的时间开始播放资料的录音（mpv 或 ffplay）",
        "從某位移所在發言段的時間開始播放資料的錄音檔（mpv 或 ffplay）",
    ),
    ("list sources", "列出资料", "列出資料"),
    (
        "pick a random or stratified sample of sources into a named set (for hand coding)",
        "随机或分层抽取资料样本，存为命名的资料集（供人工编码）",
        "隨機或分層抽取資料樣本，存為具名的資料集（供人工編碼）",
    ),
    ("list the source sets (samples)", "列出资料集（样本）", "列出資料集（樣本）"),
    (
        "print a source's normalised text (the text all offsets index)",
        "输出资料的规范化文本（所有偏移量都以它为准）",
        "輸出資料的正規化文字（所有位移皆以它為準）",
    ),
    (
        "show, load, save or extend the codebook",
        "显示、载入、保存或扩充编码本",
        "顯示、載入、儲存或擴充編碼簿",
    ),
    (
        "code a span of a source (offsets are code points, end exclusive)",
        "为资料中的一段文字编码（偏移量以码位计，不含终点）",
        "為資料中的一段文字編碼（位移以碼位計，不含終點）",
    ),
    ("remove a coding", "删除一个编码", "刪除一個編碼"),
    ("coded segments with their text", "已编码片段及其文本", "已編碼片段及其文字"),
    ("undo the last change", "撤销上一次更改", "復原上一次變更"),
    ("redo the last change", "重做上一次更改", "重做上一次變更"),
    ("the history of changes", "更改历史", "變更歷史"),
    (
        "keyword in context over all sources",
        "在所有资料中检索关键词及其上下文",
        "在所有資料中檢索關鍵詞及其上下文",
    ),
    (
        "code every hit of terms, a pattern or a speaker (one undoable event)",
        "为词语、模式或某发言人的每处命中编码（一次可撤销的操作）",
        "為詞語、模式或某發言人的每處符合編碼（一次可復原的操作）",
    ),
    (
        "word frequency (jieba words, stop words left out)",
        "词频（jieba 分词，不计停用词）",
        "詞頻（jieba 斷詞，不計停用詞）",
    ),
    (
        "TF-IDF keywords: candidate in-vivo codes",
        "TF-IDF 关键词：候选的本土概念（in-vivo）编码",
        "TF-IDF 關鍵詞：候選的原生概念（in-vivo）編碼",
    ),
    (
        "the words jieba keeps whole (show/add/remove), the stop words, and speaker labels for "
        "import",
        "jieba 不拆分的词（show/add/remove）、停用词，以及导入时使用的发言人标签",
        "jieba 不拆分的詞（show/add/remove）、停用詞，以及匯入時使用的發言人標籤",
    ),
    (
        "copy the project safely (automatic backups are kept in PROJECT.backups/)",
        "安全地复制项目（自动备份保存在 PROJECT.backups/ 中）",
        "安全地複製專案（自動備份保存在 PROJECT.backups/ 中）",
    ),
    (
        "put a backup's content back into the project (the current state is backed up first)",
        "用备份的内容恢复项目（会先备份当前状态）",
        "以備份的內容還原專案（會先備份目前狀態）",
    ),
    (
        "quantitative summaries (frequencies, co-occurrence, saturation, matrices) and the "
        "paradigm and selective-coding checks",
        "定量汇总（频次、共现、饱和度、矩阵）以及典范模型和选择性编码的检查",
        "量化彙整（次數、共現、飽和度、矩陣）以及典範模型與選擇性編碼的檢查",
    ),
    (
        "inter-coder agreement: percent, Holsti's K and R, Cohen's κ, Krippendorff's α",
        "编码者间一致性：百分比、Holsti 的 K 和 R、Cohen 的 κ、Krippendorff 的 α",
        "編碼者間一致性：百分比、Holsti 的 K 與 R、Cohen 的 κ、Krippendorff 的 α",
    ),
    (
        "bring another coder's copy of the project in, keeping each coder's codings apart",
        "并入另一位编码者的项目副本，各编码者的编码分开保留",
        "併入另一位編碼者的專案副本，各編碼者的編碼分開保留",
    ),
    (
        "disagreement review: the units where two coders' codes differ, or (--report) how they "
        "were resolved",
        "分歧复核：两位编码者编码不同的单位，或（--report）分歧是如何解决的",
        "分歧複核：兩位編碼者編碼不同的單位，或（--report）分歧是如何解決的",
    ),
    (
        "the concept network: .graphml .gexf .dot .mmd .json .svg, or the 统/合 summary",
        "概念网络：.graphml .gexf .dot .mmd .json .svg，或“统/合”摘要",
        "概念網路：.graphml .gexf .dot .mmd .json .svg，或「統/合」摘要",
    ),
    (
        "coding queries: passages where codes and words occur together (AND), either (OR), "
        "apart (NOT), near (NEAR/n), in order (FOLLOWED_BY) or inside (IN)",
        "编码查询：编码与词语同时出现（AND）、任一出现（OR）、排除（NOT）、相邻（NEAR/n）、先后"
        "（FOLLOWED_BY）或包含于（IN）的段落",
        "編碼查詢：編碼與詞語同時出現（AND）、任一出現（OR）、排除（NOT）、相鄰（NEAR/n）、先後"
        "（FOLLOWED_BY）或包含於（IN）的段落",
    ),
    (
        "code suggestions learned from the project's own codings (offline); --next, --evaluate, "
        "--apply, --check, --confirm, --refute, --check-report, --accept, --reject",
        "从项目自身的编码中学习得到的编码建议（离线）；--next、--evaluate、--apply、--check、"
        "--confirm、--refute、--check-report、--accept、--reject",
        "從專案本身的編碼中學習得到的編碼建議（離線）；--next、--evaluate、--apply、--check、"
        "--confirm、--refute、--check-report、--accept、--reject",
    ),
    (
        "candidate concepts in the text not yet coded (NMF topics of jieba words)",
        "尚未编码文本中的候选概念（基于 jieba 分词的 NMF 主题）",
        "尚未編碼文字中的候選概念（基於 jieba 斷詞的 NMF 主題）",
    ),
    (
        "export by suffix: paper tables .md .tex .docx .xlsx .csv, figures .svg .png, REFI-QDA "
        ".qdpx .qdc, the codebook .yaml; or --format maxqda: sources and codings as MAXQDA "
        "structured text (.txt)",
        "按后缀导出：论文表格 .md .tex .docx .xlsx .csv，图 .svg .png，REFI-QDA .qdpx .qdc，"
        "编码本 .yaml；或 --format maxqda：资料和编码导出为 MAXQDA 结构化文本（.txt）",
        "依副檔名匯出：論文表格 .md .tex .docx .xlsx .csv，圖 .svg .png，REFI-QDA .qdpx .qdc，"
        "編碼簿 .yaml；或 --format maxqda：資料與編碼匯出為 MAXQDA 結構化文字（.txt）",
    ),
    # -- the commands' options ---------------------------------------------------------------
    ("label prefix scheme", "标签前缀方案", "標籤前綴方案"),
    (
        "the project to copy: a file or postgresql://USER@HOST/DB",
        "要复制的项目：文件或 postgresql://USER@HOST/DB",
        "要複製的專案：檔案或 postgresql://USER@HOST/DB",
    ),
    (
        "a new file, or a new or empty server database",
        "新文件，或服务器上新建的或空的数据库",
        "新檔案，或伺服器上新建的或空的資料庫",
    ),
    ("who may do what", "谁可以做什么", "誰可以做什麼"),
    (
        "add a member or change a role (owners only)",
        "添加成员或更改角色（仅限所有者）",
        "新增成員或變更角色（僅限擁有者）",
    ),
    ("take a member off the project", "将成员移出项目", "將成員移出專案"),
    (
        "a server login (on a server) or a coder name (in a file)",
        "服务器登录名（服务器上）或编码者名称（文件中）",
        "伺服器帳號（伺服器上）或編碼者名稱（檔案中）",
    ),
    ("only build and summarise", "只构建并汇总", "只建立並彙整"),
    (
        "open on the check of N machine codings (as coder suggest --check N draws them)",
        "打开时进入对 N 个机器编码的核查（抽取方式同 coder suggest --check N）",
        "開啟時進入對 N 個機器編碼的核對（抽取方式同 coder suggest --check N）",
    ),
    (
        "default: 127.0.0.1 (this machine only)",
        "默认：127.0.0.1（仅本机）",
        "預設：127.0.0.1（僅本機）",
    ),
    ("allow a non-loopback --host", "允许非本机回环地址的 --host", "允許非本機迴路位址的 --host"),
    (
        "sheets (.csv .tsv .xlsx .ods)",
        "表格（.csv .tsv .xlsx .ods）",
        "試算表（.csv .tsv .xlsx .ods）",
    ),
    (
        "auto (detect) or an encoding name such as gb18030",
        "auto（自动检测）或字符编码名称，如 gb18030",
        "auto（自動偵測）或字元編碼名稱，如 gb18030",
    ),
    (
        "the workbook's sheet, by name or number (default: the first)",
        "工作簿中的工作表，按名称或序号（默认：第一个）",
        "活頁簿中的工作表，依名稱或序號（預設：第一個）",
    ),
    (
        "text columns, each a section (turn)",
        "文本列，每列为一段（发言段）",
        "文字欄，每欄為一段（發言段）",
    ),
    (
        "a column naming the source (after the id)",
        "为资料命名的列（接在编号之后）",
        "為資料命名的欄（接在編號之後）",
    ),
    (
        "the column of row ids (default: inferred)",
        "行编号所在的列（默认：自动推断）",
        "列編號所在的欄（預設：自動推斷）",
    ),
    ("a column naming each row's case", "为每行指明个案的列", "為每列指明個案的欄"),
    (
        "attribute columns (default: the rest)",
        "属性列（默认：其余各列）",
        "屬性欄（預設：其餘各欄）",
    ),
    (
        "a column whose values become codes on the row's text",
        "其值成为该行文本之编码的列",
        "其值成為該列文字之編碼的欄",
    ),
    (
        "row: a source per row; respondent: a wide survey, each question a turn, the respondent "
        "a case",
        "row：每行一份资料；respondent：宽格式问卷，每个问题为一个发言段，每位受访者为一个个案",
        "row：每列一份資料；respondent：寬格式問卷，每個問題為一個發言段，每位受訪者為一個個案",
    ),
    (
        "exactly these speaker labels for this import (none inferred)",
        "本次导入只用这些发言人标签（不自动推断）",
        "本次匯入只用這些發言人標籤（不自動推斷）",
    ),
    ("default: every source", "默认：所有资料", "預設：所有資料"),
    (
        "exactly these labels are speakers (none inferred)",
        "只把这些标签当作发言人（不自动推断）",
        "只把這些標籤當作發言人（不自動推斷）",
    ),
    (
        "find the speakers from the text (built-in and project labels, and inferred ones)",
        "从文本中识别发言人（内置标签、项目标签及推断出的标签）",
        "從文字中辨識發言人（內建標籤、專案標籤及推斷出的標籤）",
    ),
    (
        "say what would change, change nothing",
        "说明将会更改什么，但不作任何更改",
        "說明將會變更什麼，但不做任何變更",
    ),
    (
        "the recording; without it, show the link",
        "录音文件；省略时显示已有的关联",
        "錄音檔；省略時顯示已有的連結",
    ),
    ("a code point offset", "以码位计的偏移量", "以碼位計的位移"),
    (
        "print the player's command instead of running it",
        "输出播放器命令而不运行",
        "輸出播放器指令而不執行",
    ),
    (
        "only sources whose attribute matches (also >=, <=, >, <, != for numbers and dates); "
        "repeatable",
        "只列出属性符合条件的资料（数字和日期还可用 >=、<=、>、<、!=）；可重复",
        "只列出屬性符合條件的資料（數字與日期還可用 >=、<=、>、<、!=）；可重複",
    ),
    ("how many sources", "资料份数", "資料份數"),
    (
        "stratify: each value's share as in the project",
        "分层：各取值所占比例与项目中相同",
        "分層：各值所占比例與專案中相同",
    ),
    (
        "the random seed (default: a new one, reported)",
        "随机种子（默认：新生成一个，并会显示）",
        "亂數種子（預設：新產生一個，並會顯示）",
    ),
    (
        "the set's name (default: 'sample N')",
        "资料集名称（默认：'sample N'）",
        "資料集名稱（預設：'sample N'）",
    ),
    ("the code tree with counts", "带计数的编码树", "附計數的編碼樹"),
    (
        "load a codebook file (.yaml .csv .xlsx .qdc; Taguette's CSV too), merging by name",
        "载入编码本文件（.yaml .csv .xlsx .qdc；也支持 Taguette 的 CSV），按名称合并",
        "載入編碼簿檔案（.yaml .csv .xlsx .qdc；也支援 Taguette 的 CSV），依名稱合併",
    ),
    (
        "save the codebook by suffix: .csv (Taguette imports it), .yaml, .qdc",
        "按后缀保存编码本：.csv（Taguette 可导入）、.yaml、.qdc",
        "依副檔名儲存編碼簿：.csv（Taguette 可匯入）、.yaml、.qdc",
    ),
    ("add one code", "添加一个编码", "新增一個編碼"),
    ("also another coder's coding", "也可以是其他编码者的编码", "也可以是其他編碼者的編碼"),
    ("only this coder's codings", "只看该编码者的编码", "只看該編碼者的編碼"),
    ("QUERY is a regular expression", "QUERY 是正则表达式", "QUERY 是正規表示式"),
    ("characters either side", "两侧各显示的字数", "兩側各顯示的字數"),
    (
        "a word or phrase (repeatable); matches whole words",
        "词或短语（可重复）；按整词匹配",
        "詞或片語（可重複）；依整詞比對",
    ),
    ("every turn of this speaker", "该发言人的每个发言段", "該發言人的每個發言段"),
    (
        "let terms match inside longer words",
        "允许词语匹配更长的词的一部分",
        "允許詞語比對較長詞的一部分",
    ),
    (
        "list what a real run would code, change nothing",
        "列出实际运行时会编码的内容，不作任何更改",
        "列出實際執行時會編碼的內容，不做任何變更",
    ),
    (
        "with speakers: these labels are not speakers (built-in, added or inferred ones)",
        "与 speakers 一起用：这些标签不是发言人（无论是内置、添加的还是推断出的）",
        "與 speakers 一起用：這些標籤不是發言人（無論是內建、新增的還是推斷出的）",
    ),
    (
        "where to write the copy (default: the backups folder)",
        "副本写入位置（默认：备份文件夹）",
        "副本寫入位置（預設：備份資料夾）",
    ),
    ("list the backups kept", "列出已保存的备份", "列出已保存的備份"),
    (
        "cooccurrence, paradigm: the unit two codes share (default: turn)",
        "cooccurrence、paradigm：两个编码共享的单位（默认：turn）",
        "cooccurrence、paradigm：兩個編碼共享的單位（預設：turn）",
    ),
    (
        "matrix: columns by case (default), source, or an attribute such as role",
        "matrix：列按个案（默认）、资料或某个属性（如 role）划分",
        "matrix：欄依個案（預設）、資料或某個屬性（如 role）劃分",
    ),
    (
        "matrix: row queries, separated by ; (or --rows repeated), against --columns or --by",
        "matrix：行查询，以 ; 分隔（或重复 --rows），与 --columns 或 --by 交叉",
        "matrix：列查詢，以 ; 分隔（或重複 --rows），與 --columns 或 --by 交叉",
    ),
    (
        "matrix: column queries (see --rows)",
        "matrix：列查询（见 --rows）",
        "matrix：欄查詢（見 --rows）",
    ),
    (
        "matrix with --rows: list the passages behind each cell",
        "matrix 配合 --rows：列出每个单元格背后的段落",
        "matrix 配合 --rows：列出每個儲存格背後的段落",
    ),
    (
        "only this coder's codings (default: all)",
        "只看该编码者的编码（默认：全部）",
        "只看該編碼者的編碼（預設：全部）",
    ),
    ("only these sources", "只看这些资料", "只看這些資料"),
    (
        "saturation: import (default), an attribute such as date, or a list S,S,...",
        "saturation：按导入顺序（默认）、某个属性（如 date）或列表 S,S,...",
        "saturation：依匯入順序（預設）、某個屬性（如 date）或清單 S,S,...",
    ),
    (
        "saturation: sources held out, last",
        "saturation：留作检验、放在最后的资料",
        "saturation：留作檢驗、放在最後的資料",
    ),
    (
        "saturation: base size in sources (default 4)",
        "saturation：基础资料份数（默认 4）",
        "saturation：基礎資料份數（預設 4）",
    ),
    (
        "saturation: run length in sources (default 2)",
        "saturation：连续资料份数（默认 2）",
        "saturation：連續資料份數（預設 2）",
    ),
    (
        "saturation: new-information threshold, e.g. 0.05 or 5%% (default 5%%)",
        "saturation：新信息阈值，如 0.05 或 5%%（默认 5%%）",
        "saturation：新資訊門檻，如 0.05 或 5%%（預設 5%%）",
    ),
    ("paradigm: only this category", "paradigm：只看该范畴", "paradigm：只看該範疇"),
    (
        "two or more coder names: A,B[,C...]",
        "两位或更多编码者的名称：A,B[,C...]",
        "兩位或更多編碼者的名稱：A,B[,C...]",
    ),
    (
        "what is compared (default: segment)",
        "比较的单位（默认：segment）",
        "比較的單位（預設：segment）",
    ),
    (
        "a set of mutually exclusive codes: each unit's value is the one a coder applied",
        "一组互斥编码：每个单位的取值是编码者所用的那个编码",
        "一組互斥編碼：每個單位的值是編碼者所用的那個編碼",
    ),
    (
        "compare only these sources (repeatable, or comma-separated)",
        "只比较这些资料（可重复，或以逗号分隔）",
        "只比較這些資料（可重複，或以逗號分隔）",
    ),
    ("the two coders compared: A,B", "比较的两位编码者：A,B", "比較的兩位編碼者：A,B"),
    (
        "only these sources (repeatable, or comma-separated)",
        "只看这些资料（可重复，或以逗号分隔）",
        "只看這些資料（可重複，或以逗號分隔）",
    ),
    (
        "the coder holding the agreed codings (default: consensus)",
        "保存一致编码结果的编码者（默认：consensus）",
        "保存一致編碼結果的編碼者（預設：consensus）",
    ),
    (
        "the resolutions, for an appendix",
        "分歧的解决记录，供附录使用",
        "分歧的解決紀錄，供附錄使用",
    ),
    (
        "file to write (format from the suffix)",
        "要写入的文件（格式由后缀决定）",
        "要寫入的檔案（格式由副檔名決定）",
    ),
    ("co-occurrence unit", "共现单位", "共現單位"),
    (
        "leave out co-occurrence ties seen in fewer units",
        "略去出现单位数少于此值的共现关系",
        "略去出現單位數少於此值的共現關係",
    ),
    ("print the 统/合 summary as JSON", "以 JSON 输出“统/合”摘要", "以 JSON 輸出「統/合」摘要"),
    (
        "e.g. 'a25 AND a08', 'A8 NOT \"会商日\"', '{资源下沉 & <权力>} NEAR/20 =A3'",
        "例如 'a25 AND a08'、'A8 NOT \"会商日\"'、'{资源下沉 & <权力>} NEAR/20 =A3'",
        "例如 'a25 AND a08'、'A8 NOT \"会商日\"'、'{资源下沉 & <权力>} NEAR/20 =A3'",
    ),
    (
        "only sources whose attribute (or case's) matches: role=科长, date>=2024-05-01 (=, !=, "
        ">=, <=, >, <; repeatable, all must hold)",
        "只看属性（或其个案的属性）符合条件的资料：role=科长、date>=2024-05-01（=、!=、>=、<=、"
        ">、<；可重复，须全部满足）",
        "只看屬性（或其個案的屬性）符合條件的資料：role=科长、date>=2024-05-01（=、!=、>=、<=、"
        ">、<；可重複，須全部滿足）",
    ),
    (
        "what a hit is (default: segment)",
        "命中的单位（默认：segment）",
        "符合的單位（預設：segment）",
    ),
    (
        "save the query under NAME (the expression before --save or after NAME), then run it",
        "将查询保存为 NAME（表达式写在 --save 之前或 NAME 之后），然后运行",
        "將查詢儲存為 NAME（運算式寫在 --save 之前或 NAME 之後），然後執行",
    ),
    ("run the saved query NAME", "运行已保存的查询 NAME", "執行已儲存的查詢 NAME"),
    ("list the saved queries", "列出已保存的查询", "列出已儲存的查詢"),
    ("delete the saved query NAME", "删除已保存的查询 NAME", "刪除已儲存的查詢 NAME"),
    (
        "only this code (with --apply: codes C,C,...)",
        "只看该编码（与 --apply 一起用：编码 C,C,...）",
        "只看該編碼（與 --apply 一起用：編碼 C,C,...）",
    ),
    ("only this source", "只看该资料", "只看該資料"),
    (
        "learn from this coder's codings only (default: every human coder); also who accepts "
        "or rejects",
        "只从该编码者的编码中学习（默认：所有人工编码者）；也是采纳或拒绝建议的人",
        "只從該編碼者的編碼中學習（預設：所有人工編碼者）；也是採用或拒絕建議的人",
    ),
    ("at most N suggestions (default 20)", "最多 N 条建议（默认 20）", "最多 N 條建議（預設 20）"),
    (
        "suggest from this score for every code (default: each code's own threshold, chosen on "
        "cross-validated scores, as in the workbench's margin)",
        "所有编码都从此分数起给出建议（默认：每个编码各自的阈值，依交叉验证的分数选定，与工作台"
        "边栏相同）",
        "所有編碼都從此分數起提出建議（預設：每個編碼各自的門檻，依交叉驗證的分數選定，與工作台"
        "邊欄相同）",
    ),
    (
        "the N units most useful to code next",
        "接下来最值得编码的 N 个单位",
        "接下來最值得編碼的 N 個單位",
    ),
    (
        "the model measured as a second coder",
        "把模型当作第二位编码者来衡量",
        "把模型當作第二位編碼者來衡量",
    ),
    (
        "code every uncoded unit as coder model:VERSION",
        "以编码者 model:VERSION 的身份为每个未编码单位编码",
        "以編碼者 model:VERSION 的身分為每個未編碼單位編碼",
    ),
    (
        "draw N machine codings not yet checked (asked one by one at a terminal)",
        "抽取 N 个尚未核查的机器编码（在终端中逐个询问）",
        "抽取 N 個尚未核對的機器編碼（在終端機中逐一詢問）",
    ),
    ("record that machine coding ID is right", "记录机器编码 ID 正确", "記錄機器編碼 ID 正確"),
    ("record that machine coding ID is wrong", "记录机器编码 ID 错误", "記錄機器編碼 ID 錯誤"),
    (
        "the machine coders' precision from the checks, with Wilson 95%% intervals",
        "由核查得出的机器编码者精确率，附 Wilson 95%% 区间",
        "由核對得出的機器編碼者精確率，附 Wilson 95%% 區間",
    ),
    (
        "accept a suggestion: a coding marked suggested",
        "采纳一条建议：成为标记为“建议”的编码",
        "採用一條建議：成為標記為「建議」的編碼",
    ),
    (
        "reject a suggestion: not this code here (the model learns from it)",
        "拒绝一条建议：此处不用该编码（模型会从中学习）",
        "拒絕一條建議：此處不用該編碼（模型會從中學習）",
    ),
    (
        "blind coding: learn only from the coder's own codings (--coder, else you)",
        "盲编码：只从该编码者自己的编码中学习（--coder，否则为您）",
        "盲編碼：只從該編碼者自己的編碼中學習（--coder，否則為您）",
    ),
    ("--evaluate: test sources", "--evaluate：测试用资料", "--evaluate：測試用資料"),
    ("--check: the random draw's seed", "--check：随机抽取的种子", "--check：隨機抽取的種子"),
    (
        "--apply: list, change nothing",
        "--apply：只列出，不作任何更改",
        "--apply：只列出，不做任何變更",
    ),
    ("how many candidates (default 8)", "候选数量（默认 8）", "候選數量（預設 8）"),
    (
        "maxqda: MAXQDA's structured text (#TEXT, #CODE), whatever the suffix",
        "maxqda：MAXQDA 结构化文本（#TEXT、#CODE），不论后缀",
        "maxqda：MAXQDA 結構化文字（#TEXT、#CODE），不論副檔名",
    ),
    (
        "only these tables (names or 表 titles, comma-separated)",
        "只导出这些表（名称或“表”标题，以逗号分隔）",
        "只匯出這些表（名稱或「表」標題，以逗號分隔）",
    ),
    ("table headers in Chinese or English", "表头用中文或英文", "表頭用中文或英文"),
    (
        "the coder pair for the 编码信度 table, e.g. R1,R2",
        "“编码信度”表所用的编码者对，如 R1,R2",
        "「編碼信度」表所用的編碼者組合，如 R1,R2",
    ),
    (
        "held-out interviews for the saturation table, e.g. S2-03,S4-02",
        "饱和度表中留作检验的访谈，如 S2-03,S4-02",
        "飽和度表中留作檢驗的訪談，如 S2-03,S4-02",
    ),
    (
        "quotes per concept in 开放式编码示例",
        "“开放式编码示例”中每个概念的引文数",
        "「開放式編碼示例」中每個概念的引文數",
    ),
    (
        "write this model figure to exactly the file named (.svg .pdf .png)",
        "将此模型图写入指定的文件（.svg .pdf .png）",
        "將此模型圖寫入指定的檔案（.svg .pdf .png）",
    ),
]
