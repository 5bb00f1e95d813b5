"""The catalogs' translations, kept as a table and written into the .po files by
``python -m coder.locale.translations`` (then ``python -m coder.i18n`` compiles them).

Each row: English, Simplified (mainland usage), Traditional (written for Taiwan readers: 逐字稿,
資料來源, 復原, 重新整理, 說明, 編碼簿). Method terms after the Chinese GT literature: 开放式编码/初始
概念, 主轴编码/范畴, 选择性编码/核心范畴, 典范模型, 备忘录, 理论饱和度, 编码信度.
"""

from __future__ import annotations

ROWS: list[tuple[str, str, str]] = [
    ("Accept A", "采纳 A", "採用 A"),
    ("Accept B", "采纳 B", "採用 B"),
    ("Apply code", "应用编码", "套用編碼"),
    ("Attach", "挂接", "掛上"),
    ("Back", "返回", "返回"),
    ("Back to the transcript", "回到访谈文本", "回到逐字稿"),
    ("Both", "两者都要", "兩者皆留"),
    ("Cancel", "取消", "取消"),
    ("Change code", "更换编码", "更換編碼"),
    ("Characters/words", "按字/按词", "逐字/逐詞"),
    ("Clear selection", "取消选择", "取消選取"),
    ("Close help", "关闭帮助", "關閉說明"),
    ("Co-occurrence unit", "共现单位", "共現單位"),
    ("Code memo", "编码备忘录", "編碼備忘錄"),
    ("Code on key {i}", "按 {i} 键编码", "以 {i} 鍵編碼"),
    ("Code tree", "编码树", "編碼樹"),
    ("Codebook", "编码本", "編碼簿"),
    ("Codebook 编码本 (F2)", "编码本 (F2)", "編碼簿 (F2)"),
    ("Coder filter", "按编码者筛选", "依編碼者篩選"),
    ("Coders", "编码者", "編碼者"),
    ("Codes 编码", "编码", "編碼"),
    ("Code…", "编码…", "編碼…"),
    ("Compare", "比较", "比較"),
    (
        "Comparison 比较 (F3): codings of a code side by side",
        "比较 (F3)：同一编码的各处编码并列",
        "比較 (F3)：同一編碼的各段並列",
    ),
    ("Copy passage", "复制段落", "複製段落"),
    ("Core category", "核心范畴", "核心範疇"),
    ("Delete", "删除", "刪除"),
    ("Detach", "摘下", "卸下"),
    ("Disagreements", "分歧", "分歧"),
    (
        "Disagreements 分歧 (F7): review between coders",
        "分歧 (F7)：编码者之间的复核",
        "分歧 (F7)：編碼者之間的複核",
    ),
    ("Down", "下", "下"),
    ("End of transcript", "文本末尾", "逐字稿結尾"),
    ("Export…", "导出…", "匯出…"),
    ("Go to code", "转到编码", "前往編碼"),
    ("Grow", "扩大", "擴大"),
    ("Help", "帮助", "說明"),
    ("Hide/show resolved", "隐藏/显示已解决", "隱藏/顯示已解決"),
    ("In context", "看上下文", "看上下文"),
    ("In vivo", "本土化编码", "原生編碼"),
    ("Keys 快捷键   (esc closes)", "快捷键   (esc 关闭)", "快速鍵   (esc 關閉)"),
    ("Left", "左", "左"),
    ("Line end", "行尾", "行尾"),
    ("Line start", "行首", "行首"),
    ("Main screen 主界面: transcript and codes", "主界面：访谈文本与编码", "主畫面：逐字稿與編碼"),
    ("Memo", "备忘录", "備忘錄"),
    ("Merge", "合并", "合併"),
    ("Move", "移动", "移動"),
    ("Neither", "都不要", "兩者皆捨"),
    ("Network", "关系网络", "關係網絡"),
    ("Network 关系网络 (F4)", "关系网络 (F4)", "關係網絡 (F4)"),
    ("New", "新建", "新增"),
    ("New code", "新编码", "新增編碼"),
    ("New code of the typed name", "以输入的名称新建编码", "以輸入的名稱新增編碼"),
    ("No", "否", "否"),
    ("One code only", "只看一个编码", "只看一個編碼"),
    ("Open 打开", "打开", "開啟"),
    ("Other column", "另一栏", "另一欄"),
    ("Page down", "下一页", "下一頁"),
    ("Page up", "上一页", "上一頁"),
    ("Password 密码", "密码", "密碼"),
    ("Play the recording here", "从此处播放录音", "從此處播放錄音"),
    ("Promote", "升为范畴", "升為範疇"),
    ("Quit", "退出", "離開"),
    ("Redo", "重做", "重做"),
    ("Refresh", "刷新", "重新整理"),
    ("Resize coding", "调整编码范围", "調整編碼範圍"),
    ("Right", "右", "右"),
    ("Save", "保存", "儲存"),
    ("Search", "搜索", "搜尋"),
    ("Second code", "第二个编码", "第二個編碼"),
    ("Select down", "向下选择", "向下選取"),
    ("Select left", "向左选择", "向左選取"),
    ("Select right", "向右选择", "向右選取"),
    ("Select up", "向上选择", "向上選取"),
    ("Select word", "选择下一个词", "選取下一個詞"),
    ("Sentence", "整句", "整句"),
    ("Server login 服务器登录名", "服务器登录名", "伺服器登入帳號"),
    ("Shrink", "缩小", "縮小"),
    ("Sources", "资料", "資料來源"),
    ("Sources 资料", "资料", "資料來源"),
    ("Split", "拆分", "拆分"),
    ("Split off the chosen", "拆出所选", "拆出所選"),
    ("Start of transcript", "文本开头", "逐字稿開頭"),
    ("Statistics", "统计", "統計"),
    ("Statistics 统计 (F6): Co-occurrence 共现", "统计 (F6)：共现", "統計 (F6)：共現"),
    ("Statistics 统计 (F6): Frequencies 编码频次", "统计 (F6)：编码频次", "統計 (F6)：編碼次數"),
    ("Statistics 统计 (F6): Paradigm 范式模型", "统计 (F6)：典范模型", "統計 (F6)：典範模型"),
    (
        "Statistics 统计 (F6): Saturation 理论饱和度",
        "统计 (F6)：理论饱和度",
        "統計 (F6)：理論飽和度",
    ),
    ("Turn", "整段发言", "整段發言"),
    ("Uncode", "取消编码", "取消編碼"),
    ("Undo", "撤销", "復原"),
    ("Unit", "单位", "單位"),
    ("Unselect word", "退回一个词", "退回一個詞"),
    ("Up", "上", "上"),
    ("Whose codings", "谁的编码", "誰的編碼"),
    ("Word back", "上一个词", "上一個詞"),
    ("Word forward", "下一个词", "下一個詞"),
    ("Yes", "是", "是"),
    ("Your coder name 编码者姓名", "编码者姓名", "編碼者姓名"),
    ("code tree", "编码树", "編碼樹"),
    ("codebook (F2)", "编码本 (F2)", "編碼簿 (F2)"),
    ("comparison (F3)", "比较 (F3)", "比較 (F3)"),
    ("disagreements (F7)", "分歧 (F7)", "分歧 (F7)"),
    ("does", "作用", "功能"),
    ("enter a login first", "请先输入登录名", "請先輸入登入帳號"),
    ("enter a name first", "请先输入姓名", "請先輸入姓名"),
    ("everywhere", "全局", "各處皆可"),
    ("go to this screen", "转到此界面", "前往此畫面"),
    ("help", "帮助", "說明"),
    ("in", "位置", "位置"),
    ("keys", "按键", "按鍵"),
    ("list", "列表", "清單"),
    ("login", "登录名", "帳號"),
    ("main screen", "主界面", "主畫面"),
    ("name", "姓名", "姓名"),
    ("network (F4)", "关系网络 (F4)", "關係網絡 (F4)"),
    ("no transcript to show the passage in", "没有可显示该段落的文本", "沒有可顯示該段落的逐字稿"),
    ("open a source first", "请先打开一份资料", "請先開啟一份資料"),
    ("palette", "命令面板", "命令面板"),
    ("password", "密码", "密碼"),
    (
        "playing a recording is unavailable in the browser; play it in the terminal workbench (p) "
        "or with coder play",
        "浏览器中无法播放录音；请在终端工作台中按 p 或用 coder play 播放",
        "瀏覽器中無法播放錄音；請在終端機工作台按 p 或以 coder play 播放",
    ),
    ("reloaded from the project", "已从项目重新载入", "已從專案重新載入"),
    ("statistics (F6)", "统计 (F6)", "統計 (F6)"),
    ("table", "表格", "表格"),
    ("text box", "文本框", "文字方塊"),
    ("transcript", "访谈文本", "逐字稿"),
]


def write() -> None:
    """Fill each .po's msgstr from ROWS (Babel's catalog reader and writer)."""
    from pathlib import Path

    from babel.messages.pofile import read_po, write_po

    here = Path(__file__).parent
    for column, lang in ((1, "zh_Hans"), (2, "zh_Hant")):
        table = {row[0]: row[column] for row in ROWS}
        po = here / lang / "LC_MESSAGES" / "coder.po"
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
        for message in catalog:
            if message.id and message.id in table:
                message.string = table[message.id]
                message.flags.discard("fuzzy")
        with po.open("wb") as f:
            write_po(f, catalog, width=100, omit_header=False)


if __name__ == "__main__":
    write()
