<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
    <context>
        <name>CancelButtonDelegate</name>
        <message>
            <source>Cancelling…</source>
            <translation>キャンセル中…</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>キャンセル</translation>
        </message>
    </context>
    <context>
        <name>CrashDialog</name>
        <message>
            <source>Something went wrong</source>
            <extracomment>One file of this size, and this many older ones beside it. Qt messages that say nothing about the app (the offscreen platform, used without a display, says this of every window shown): logged at DEBUG.</extracomment>
            <translation>問題が発生しました</translation>
        </message>
        <message>
            <source>GenGlossary ran into an error it did not expect. Your projects, curation and finished glossaries are safe: everything you did was saved when you did it. You can carry on working; if the error comes back, restart GenGlossary.</source>
            <translation>GenGlossary で予期しないエラーが発生しました。プロジェクト、編集内容、完成した用語集は失われていません。操作はすべて、その時点で保存されています。このまま作業を続けられます。エラーが繰り返し起きる場合は GenGlossary を再起動してください。</translation>
        </message>
        <message>
            <source>What happened: {summary}
The details are in the log file {path}.</source>
            <translation>発生したエラー: {summary}
詳細はログファイル {path} にあります。</translation>
        </message>
        <message>
            <source>Show &amp;Details</source>
            <translation>詳細を表示(&amp;D)</translation>
        </message>
        <message>
            <source>Open &amp;Log Folder</source>
            <translation>ログフォルダーを開く(&amp;L)</translation>
        </message>
        <message>
            <source>&amp;Close</source>
            <translation>閉じる(&amp;C)</translation>
        </message>
    </context>
    <context>
        <name>CurationActions</name>
        <message>
            <source>Require {terms}</source>
            <extracomment>How a mark reads in the Edit menu ("Undo Require “pod”"), in English (translated when the command is made).</extracomment>
            <translation>{terms}を必須に設定</translation>
        </message>
        <message>
            <source>Exclude {terms}</source>
            <translation>{terms}を除外</translation>
        </message>
        <message>
            <source>Reset Mark of {terms}</source>
            <translation>{terms}のマークを解除</translation>
        </message>
        <message>
            <source>“{term}”</source>
            <translation>「{term}」</translation>
        </message>
        <message>
            <source>“{first}” and “{second}”</source>
            <translation>「{first}」と「{second}」</translation>
        </message>
        <message>
            <source>“{first}” and %Ln more</source>
            <translation>「{first}」ほか %Ln 件</translation>
        </message>
        <message>
            <source>Could not redo “{change}”: {reason}</source>
            <translation>やり直せませんでした（{change}）: {reason}</translation>
        </message>
        <message>
            <source>Could not undo “{change}”: {reason}</source>
            <translation>元に戻せませんでした（{change}）: {reason}</translation>
        </message>
        <message>
            <source>Database problem: {problem}</source>
            <translation>データベースの問題: {problem}</translation>
        </message>
        <message>
            <source>A term needs some text.</source>
            <extracomment>An undo or redo could not be written: the message for the user.</extracomment>
            <translation>用語を入力してください。</translation>
        </message>
        <message>
            <source>Add Term “{term}”</source>
            <translation>用語「{term}」を追加</translation>
        </message>
        <message>
            <source>Note on “{term}”</source>
            <translation>「{term}」のメモを編集</translation>
        </message>
        <message>
            <source>Remove Note on “{term}”</source>
            <translation>「{term}」のメモを削除</translation>
        </message>
        <message>
            <source>Use the Suggested Definition of “{term}”</source>
            <translation>「{term}」に提案された定義を使用</translation>
        </message>
        <message>
            <source>Edit Definition of “{term}”</source>
            <translation>「{term}」の定義を編集</translation>
        </message>
        <message>
            <source>Merge {terms} into “{headword}”</source>
            <translation>{terms}を「{headword}」に統合</translation>
        </message>
        <message>
            <source>Split “{variant}” from “{headword}”</source>
            <translation>「{variant}」を「{headword}」から分割</translation>
        </message>
        <message>
            <source>Category “{category}” for {terms}</source>
            <translation>{terms}の分類を「{category}」に設定</translation>
        </message>
        <message>
            <source>Remove Category of {terms}</source>
            <translation>{terms}の分類を削除</translation>
        </message>
    </context>
    <context>
        <name>DocumentTableModel</name>
        <message>
            <source>Path</source>
            <translation>パス</translation>
        </message>
        <message>
            <source>Size</source>
            <translation>サイズ</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>言語</translation>
        </message>
        <message>
            <source>Encoding</source>
            <translation>エンコーディング</translation>
        </message>
        <message>
            <source>Import problem</source>
            <translation>取り込みの問題</translation>
        </message>
    </context>
    <context>
        <name>DocumentViewer</name>
        <message>
            <source>Glossary entry</source>
            <extracomment>Highlight backgrounds: (light palette, dark palette). Each state's name, for the legend (English; ``state_label`` translates it).</extracomment>
            <translation>用語集の項目</translation>
        </message>
        <message>
            <source>Candidate</source>
            <translation>候補</translation>
        </message>
        <message>
            <source>Required</source>
            <translation>必須</translation>
        </message>
        <message>
            <source>Excluded</source>
            <translation>除外</translation>
        </message>
        <message>
            <source>A term or variant with an entry in the current glossary</source>
            <extracomment>What each state means, for the legend's tooltips (``state_tip`` translates it).</extracomment>
            <translation>現在の用語集に項目がある用語または異表記</translation>
        </message>
        <message>
            <source>A term found in the documents, not (yet) in the glossary</source>
            <translation>文書で見つかった、（まだ）用語集にない用語</translation>
        </message>
        <message>
            <source>A term you marked required: the next run defines it</source>
            <translation>必須にした用語：次の実行で定義されます</translation>
        </message>
        <message>
            <source>A term you excluded: no run puts it in the glossary</source>
            <translation>除外した用語：どの実行でも用語集に入りません</translation>
        </message>
        <message>
            <source>No document</source>
            <extracomment>GUI-thread work per slice (seconds); the event loop runs between slices. Blocks from the first one on screen whose highlights are applied before the others. How long the occurrence a link pointed at stays flashed (ms). The longest selection "Add as Term" takes. Curation changes arriving within this time are one recolouring (ms). The hash of "no highlights" (what ``_applied`` holds for a line nothing is shown on). Stored changes that can change a highlight or the term card. The user asked to see a term's glossary entry (its headword). An occurrence in another document: (rel_path, line). The first screenful of a document is shown. The document is shown whole and every highlight is applied.</extracomment>
            <translation>文書なし</translation>
        </message>
        <message>
            <source>Terms:</source>
            <translation>用語：</translation>
        </message>
        <message>
            <source>Highlight terms</source>
            <translation>用語を強調表示</translation>
        </message>
        <message>
            <source>Show the project's terms in colour, by state</source>
            <translation>プロジェクトの用語を状態ごとに色分けして表示します</translation>
        </message>
        <message>
            <source>Add as Term</source>
            <translation>用語として追加</translation>
        </message>
        <message>
            <source>Add the selected text as a required term</source>
            <translation>選択したテキストを必須の用語として追加します</translation>
        </message>
        <message>
            <source>Find…</source>
            <translation>検索…</translation>
        </message>
        <message>
            <source>Find in document (Ctrl+F)</source>
            <translation>文書内を検索 (Ctrl+F)</translation>
        </message>
        <message>
            <source>Double-click a document (or select it and press Enter) to read it here.</source>
            <translation>文書をダブルクリック（または選択して Enter キーを押す）すると、ここに表示されます。</translation>
        </message>
        <message>
            <source>Opening…</source>
            <translation>開いています…</translation>
        </message>
        <message>
            <source>This document is no longer in the project.</source>
            <translation>この文書はもうプロジェクトにありません。</translation>
        </message>
        <message>
            <source>This document could not be imported: {problem}</source>
            <translation>この文書は取り込めませんでした：{problem}</translation>
        </message>
        <message>
            <source>Could not save the change: {error}</source>
            <translation>変更を保存できませんでした：{error}</translation>
        </message>
        <message>
            <source>Select a word or a short phrase to add as a term (at most {count} characters).</source>
            <translation>用語として追加する単語か短い語句を選択してください（{count} 文字まで）。</translation>
        </message>
        <message>
            <source>Add “{text}” as Term</source>
            <translation>「{text}」を用語として追加</translation>
        </message>
        <message>
            <source>Show “{term}”</source>
            <translation>「{term}」を表示</translation>
        </message>
    </context>
    <context>
        <name>DocumentsPage</name>
        <message>
            <source>Filter documents…</source>
            <translation>文書を絞り込み…</translation>
        </message>
        <message numerus="yes">
            <source>%Ln documents</source>
            <translation>
                <numerusform>%Ln 件の文書</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %Ln documents</source>
            <translation>
                <numerusform>%Ln 件中 {shown} 件の文書</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{documents} (%Ln could not be imported)</source>
            <translation>
                <numerusform>{documents}（%Ln 件は取り込めませんでした）</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ExportTask</name>
        <message>
            <source>There is no glossary to export yet. Run Full first.</source>
            <translation>エクスポートする用語集がまだありません。先に「全体」を実行してください。</translation>
        </message>
        <message>
            <source>Cannot write {file}: {reason}</source>
            <translation>{file} に書き込めません: {reason}</translation>
        </message>
        <message>
            <source>Export failed: {reason}</source>
            <translation>エクスポートに失敗しました: {reason}</translation>
        </message>
    </context>
    <context>
        <name>FindBar</name>
        <message>
            <source>Find in document…</source>
            <extracomment>How long typing pauses before the search starts (ms). The text to look for (after typing pauses; "" when cleared). +1: next match, -1: previous.</extracomment>
            <translation>文書内を検索…</translation>
        </message>
        <message>
            <source>Previous</source>
            <translation>前へ</translation>
        </message>
        <message>
            <source>Previous match (Shift+F3, Shift+Enter)</source>
            <translation>前の一致 (Shift+F3, Shift+Enter)</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>次へ</translation>
        </message>
        <message>
            <source>Next match (F3, Enter)</source>
            <translation>次の一致 (F3, Enter)</translation>
        </message>
        <message>
            <source>Close</source>
            <translation>閉じる</translation>
        </message>
        <message>
            <source>Close the find bar (Esc)</source>
            <translation>検索バーを閉じる (Esc)</translation>
        </message>
        <message>
            <source>Find:</source>
            <translation>検索：</translation>
        </message>
        <message>
            <source>No matches</source>
            <translation>一致なし</translation>
        </message>
        <message numerus="yes">
            <source>%Ln match(es)</source>
            <translation>
                <numerusform>%Ln 件の一致</numerusform>
            </translation>
        </message>
        <message>
            <source>{current} of {total}</source>
            <translation>{current} / {total}</translation>
        </message>
        <message>
            <source>Searching…</source>
            <translation>検索中…</translation>
        </message>
    </context>
    <context>
        <name>GlossaryPage</name>
        <message>
            <source>Source:</source>
            <translation>ソース:</translation>
        </message>
        <message>
            <source>confidence</source>
            <translation>信頼度</translation>
        </message>
        <message>
            <source>Your definition:</source>
            <translation>あなたの定義:</translation>
        </message>
        <message>
            <source>Suggested from the documents:</source>
            <translation>文書から提案された定義:</translation>
        </message>
        <message>
            <source>Usage example:</source>
            <translation>用例:</translation>
        </message>
        <message>
            <source>No sentence in the documents says what this term is; this is the most informative sentence that uses it.</source>
            <translation>文書にはこの用語が何かを述べる文がありません。これはこの用語を使う文のうち最も情報量の多いものです。</translation>
        </message>
        <message>
            <source>The documents spell out what the abbreviation stands for, but no sentence says what it is.</source>
            <translation>文書には略語の正式名称はありますが、それが何かを述べる文はありません。</translation>
        </message>
        <message>
            <source>No definition found.</source>
            <translation>定義が見つかりません。</translation>
        </message>
        <message>
            <source>Filter entries…</source>
            <extracomment>The run whose glossary is shown changed (None: no glossary). A source or occurrence link was clicked: (document path, line, term). Every definition edit goes through it, so Edit ▸ Undo takes it back. Where each project's filter text is kept across sessions (None: this session only).</extracomment>
            <translation>項目を絞り込み…</translation>
        </message>
        <message>
            <source>Use This Gl&amp;ossary</source>
            <translation>この用語集を使う(&amp;O)</translation>
        </message>
        <message>
            <source>Make the glossary shown the project's current one (exports and the CLI use it)</source>
            <translation>表示中の用語集をプロジェクトの現在の用語集にします（エクスポートと CLI はこれを使います）</translation>
        </message>
        <message>
            <source>Use the Suggested Definition</source>
            <translation>提案された定義を使う</translation>
        </message>
        <message>
            <source>Drop your own definition of this term</source>
            <translation>この用語のあなたの定義を破棄します</translation>
        </message>
        <message>
            <source>Showing:</source>
            <translation>表示:</translation>
        </message>
        <message numerus="yes">
            <source>%Ln entries</source>
            <translation>
                <numerusform>%Ln 件の項目</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %Ln entries</source>
            <translation>
                <numerusform>%Ln 件中 {shown} 件の項目</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{entries}, %Ln edited</source>
            <translation>
                <numerusform>{entries}（%Ln 件を編集済み）</numerusform>
            </translation>
        </message>
        <message>
            <source>Current glossary (run {run}, {scope}, {when})</source>
            <translation>現在の用語集（実行 {run}、{scope}、{when}）</translation>
        </message>
        <message>
            <source>Run {run} ({scope}, {when}), replaced since</source>
            <translation>実行 {run}（{scope}、{when}）、置き換え済み</translation>
        </message>
        <message>
            <source>Run {run} ({scope}, {status}): partial output</source>
            <translation>実行 {run}（{scope}、{status}）: 途中までの出力</translation>
        </message>
        <message>
            <source>No glossary yet: run Full (F5)</source>
            <translation>用語集はまだありません:「全体」を実行してください (F5)</translation>
        </message>
        <message>
            <source>Use This Glossary</source>
            <translation>この用語集を使う</translation>
        </message>
        <message>
            <source>Run {run}: {reason}.</source>
            <translation>実行 {run}: {reason}。</translation>
        </message>
        <message>
            <source>no such run</source>
            <translation>その実行はありません</translation>
        </message>
        <message>
            <source>the run has not finished yet</source>
            <translation>実行はまだ終わっていません</translation>
        </message>
        <message>
            <source>the run wrote no glossary</source>
            <translation>この実行は用語集を書き出していません</translation>
        </message>
        <message>
            <source>its glossary is already the current one</source>
            <translation>この実行の用語集はすでに現在の用語集です</translation>
        </message>
        <message>
            <source>its glossary is now the project's current one</source>
            <translation>この実行の用語集がプロジェクトの現在の用語集になりました</translation>
        </message>
        <message>
            <source>Database problem: {error}</source>
            <translation>データベースの問題: {error}</translation>
        </message>
        <message>
            <source>{reason} Nothing was changed; try again.</source>
            <translation>{reason} 何も変更されていません。もう一度お試しください。</translation>
        </message>
        <message>
            <source>Definition</source>
            <translation>定義</translation>
        </message>
        <message>
            <source>Drop your definition of “{term}” and use the one suggested from the documents? Your text will be lost:

{definition}</source>
            <translation>「{term}」のあなたの定義を破棄して、文書から提案された定義を使いますか？ 次の文は失われます:

{definition}</translation>
        </message>
        <message>
            <source>Select an entry to see where its term occurs.</source>
            <translation>項目を選ぶと、その用語の出現箇所が表示されます。</translation>
        </message>
        <message>
            <source>Also:</source>
            <translation>別名:</translation>
        </message>
        <message>
            <source>See also:</source>
            <translation>関連項目:</translation>
        </message>
        <message>
            <source>Other defining sentences</source>
            <translation>ほかに定義している文</translation>
        </message>
        <message>
            <source>Use this one</source>
            <translation>これを使う</translation>
        </message>
        <message>
            <source>Occurrences</source>
            <translation>出現箇所</translation>
        </message>
        <message numerus="yes">
            <source>(%Ln shown)</source>
            <translation>
                <numerusform>（%Ln 件を表示）</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>GlossaryTableModel</name>
        <message>
            <source>Your definition: it has no source in the documents. The suggestion's source is shown beside the suggestion in the details.</source>
            <extracomment>Shown in the Source and Confidence columns of an entry whose definition is the user's. Translated where it is shown (context "GlossaryTableModel").</extracomment>
            <translation>あなたの定義です。文書中のソースはありません。提案された定義のソースは、詳細で提案の横に表示されます。</translation>
        </message>
        <message>
            <source>Term</source>
            <extracomment>(term, new definition or "" to go back to the suggestion)</extracomment>
            <translation>用語</translation>
        </message>
        <message>
            <source>Aliases</source>
            <translation>別名</translation>
        </message>
        <message>
            <source>Definition</source>
            <translation>定義</translation>
        </message>
        <message>
            <source>Kind</source>
            <translation>種類</translation>
        </message>
        <message>
            <source>Confidence</source>
            <translation>信頼度</translation>
        </message>
        <message>
            <source>Source</source>
            <translation>ソース</translation>
        </message>
        <message>
            <source>(no definition found)</source>
            <translation>（定義が見つかりません）</translation>
        </message>
        <message>
            <source>A sentence of the documents says what the term is.</source>
            <extracomment>Translated where they are shown (context "GlossaryTableModel").</extracomment>
            <translation>文書中の文がこの用語が何かを述べています。</translation>
        </message>
        <message>
            <source>The documents only spell out what the abbreviation stands for; no sentence says what it is.</source>
            <translation>文書には略語の正式名称しかなく、それが何かを述べる文はありません。</translation>
        </message>
        <message>
            <source>No sentence of the documents defines the term; the text is the most informative sentence that uses it.</source>
            <translation>文書にはこの用語を定義する文がありません。表示しているのは、この用語を使う文のうち最も情報量の多いものです。</translation>
        </message>
        <message>
            <source>Written by the model from the documents' sentences.</source>
            <translation>文書の文をもとにモデルが書いた定義です。</translation>
        </message>
        <message>
            <source>Your own definition; it is kept across every re-run.</source>
            <translation>あなた自身の定義です。再実行しても保持されます。</translation>
        </message>
        <message>
            <source>The documents never mention the term.</source>
            <translation>文書にこの用語は出てきません。</translation>
        </message>
        <message>
            <source>Edited by hand. Suggested from the documents:
{suggested}</source>
            <translation>手で編集しました。文書から提案された定義:
{suggested}</translation>
        </message>
    </context>
    <context>
        <name>IssueTableModel</name>
        <message>
            <source>unclear</source>
            <extracomment>The issue's type as stored (IssueType's value), what the type filter matches. The review's issue types as the Issues page shows them (translated where they are shown).</extracomment>
            <translation>不明確</translation>
        </message>
        <message>
            <source>circular</source>
            <translation>循環</translation>
        </message>
        <message>
            <source>duplicate</source>
            <translation>重複</translation>
        </message>
        <message>
            <source>contradiction</source>
            <translation>矛盾</translation>
        </message>
        <message>
            <source>unnecessary</source>
            <translation>不要</translation>
        </message>
        <message>
            <source>dropped</source>
            <translation>外された</translation>
        </message>
        <message>
            <source>kept apart by you</source>
            <translation>あなたが別々に保った</translation>
        </message>
        <message>
            <source>{term} merged into it</source>
            <translation>{term} をこの用語に統合</translation>
        </message>
        <message>
            <source>merged into {term}</source>
            <translation>{term} に統合</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>種類</translation>
        </message>
        <message>
            <source>Term</source>
            <translation>用語</translation>
        </message>
        <message>
            <source>Problem</source>
            <translation>問題</translation>
        </message>
        <message>
            <source>Outcome</source>
            <translation>結果</translation>
        </message>
        <message>
            <source>What refining did with this term</source>
            <translation>改善でこの用語がどう扱われたか</translation>
        </message>
        <message>
            <source>Source</source>
            <translation>ソース</translation>
        </message>
        <message>
            <source>Open it from the line below the table</source>
            <translation>表の下の行から開けます</translation>
        </message>
    </context>
    <context>
        <name>IssuesPage</name>
        <message>
            <source>All types</source>
            <extracomment>The user wants to see this term's entry. A merge was undone: the shown glossary changed. A source link was clicked: (document path, line, term).</extracomment>
            <translation>すべての種類</translation>
        </message>
        <message>
            <source>&amp;Keep Apart</source>
            <translation>別々に保つ(&amp;K)</translation>
        </message>
        <message>
            <source>Undo this merge: both terms get their own entry back, and no later run merges them again.</source>
            <translation>この統合を取り消します。両方の用語がそれぞれの項目に戻り、以後の実行でも再び統合されません。</translation>
        </message>
        <message>
            <source>Double-click (or Enter) opens the entry.</source>
            <translation>ダブルクリック（または Enter）で項目を開きます。</translation>
        </message>
        <message>
            <source>Show:</source>
            <translation>表示:</translation>
        </message>
        <message numerus="yes">
            <source>%Ln issues</source>
            <translation>
                <numerusform>%Ln 件の指摘</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %Ln issues</source>
            <translation>
                <numerusform>%Ln 件中 {shown} 件の指摘</numerusform>
            </translation>
        </message>
        <message>
            <source>“{term}”: no source in the documents</source>
            <translation>「{term}」: 文書中のソースはありません</translation>
        </message>
        <message>
            <source>“{term}”: {source}</source>
            <translation>「{term}」: {source}</translation>
        </message>
        <message>
            <source>Source — {sources}</source>
            <translation>ソース — {sources}</translation>
        </message>
        <message>
            <source>Database problem: {error}</source>
            <translation>データベースの問題: {error}</translation>
        </message>
        <message>
            <source>Keep Apart</source>
            <translation>別々に保つ</translation>
        </message>
        <message>
            <source>The merge was not undone: {reason}</source>
            <translation>統合は取り消されませんでした: {reason}</translation>
        </message>
        <message>
            <source>“{term}” and “{related}” will be kept apart from the next run on. This glossary was copied from an earlier run, so it has no entry of its own to give back now.</source>
            <translation>次の実行から「{term}」と「{related}」は別々に保たれます。この用語集は以前の実行からコピーされたものなので、今すぐ戻せる独自の項目はありません。</translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message>
            <source>&amp;Full (extract, generate, review, refine)</source>
            <extracomment>How long quitting waits for cancelled workers before marking their runs interrupted. Keyed by Scope; translated where shown (QT_TRANSLATE_NOOP is typed as returning object).</extracomment>
            <translation>全体(&amp;F)（抽出・生成・レビュー・改善）</translation>
        </message>
        <message>
            <source>Re-&amp;import Documents</source>
            <translation>文書を取り込み直す(&amp;I)</translation>
        </message>
        <message>
            <source>&amp;Add New Documents (import, extract only them)</source>
            <translation>新しい文書を追加(&amp;A)（取り込み、その文書だけ抽出）</translation>
        </message>
        <message>
            <source>&amp;Extract Terms</source>
            <translation>用語を抽出(&amp;E)</translation>
        </message>
        <message>
            <source>&amp;Generate Definitions</source>
            <translation>定義を生成(&amp;G)</translation>
        </message>
        <message>
            <source>&amp;Review</source>
            <translation>レビュー(&amp;R)</translation>
        </message>
        <message>
            <source>Refi&amp;ne</source>
            <translation>改善(&amp;N)</translation>
        </message>
        <message>
            <source>Documents</source>
            <extracomment>The pages, in tab order (View ▸ Ctrl+1…6).</extracomment>
            <translation>文書</translation>
        </message>
        <message>
            <source>Terms</source>
            <translation>用語</translation>
        </message>
        <message>
            <source>Glossary</source>
            <translation>用語集</translation>
        </message>
        <message>
            <source>Issues</source>
            <translation>指摘</translation>
        </message>
        <message>
            <source>Runs</source>
            <translation>実行</translation>
        </message>
        <message>
            <source>Settings</source>
            <translation>設定</translation>
        </message>
        <message>
            <source>New Project…</source>
            <extracomment>An export was written: path, entries. An export failed: the message shown to the user. The user's own settings, not the data folder's (the language). View ▸ Language ▸ Restart Now: app.main starts the window again once this closed. The sample project's run (open_sample_project), and how it ended. How a folder is shown in the file manager (tests replace it).</extracomment>
            <translation>新規プロジェクト…</translation>
        </message>
        <message>
            <source>Projects</source>
            <translation>プロジェクト</translation>
        </message>
        <message>
            <source>&amp;Documents</source>
            <translation>文書(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;Terms</source>
            <translation>用語(&amp;T)</translation>
        </message>
        <message>
            <source>&amp;Glossary</source>
            <translation>用語集(&amp;G)</translation>
        </message>
        <message>
            <source>&amp;Issues</source>
            <translation>指摘(&amp;I)</translation>
        </message>
        <message>
            <source>R&amp;uns</source>
            <translation>実行(&amp;U)</translation>
        </message>
        <message>
            <source>&amp;Settings</source>
            <translation>設定(&amp;S)</translation>
        </message>
        <message>
            <source>&amp;New Project…</source>
            <translation>新規プロジェクト(&amp;N)…</translation>
        </message>
        <message>
            <source>&amp;Run</source>
            <translation>実行(&amp;R)</translation>
        </message>
        <message>
            <source>Run {scope} on the selected project (F5)</source>
            <translation>選択したプロジェクトで「{scope}」を実行します (F5)</translation>
        </message>
        <message>
            <source>{action} (not available yet)</source>
            <translation>{action}（まだ使えません）</translation>
        </message>
        <message>
            <source>&amp;Cancel Run</source>
            <translation>実行をキャンセル(&amp;C)</translation>
        </message>
        <message>
            <source>Cancel the selected run, or the project's active run (Esc)</source>
            <translation>選択した実行、またはプロジェクトで実行中のものをキャンセルします (Esc)</translation>
        </message>
        <message>
            <source>&amp;Export Glossary…</source>
            <translation>用語集をエクスポート(&amp;E)…</translation>
        </message>
        <message>
            <source>Export the glossary shown (Markdown, CSV, JSON, TBX)</source>
            <translation>表示中の用語集をエクスポートします（Markdown、CSV、JSON、TBX）</translation>
        </message>
        <message>
            <source>&amp;Quit</source>
            <translation>終了(&amp;Q)</translation>
        </message>
        <message>
            <source>Open &amp;Sample Project</source>
            <translation>サンプルプロジェクトを開く(&amp;S)</translation>
        </message>
        <message>
            <source>Copy a small English and Japanese sample folder into a new project and run it</source>
            <translation>英語と日本語の小さなサンプルフォルダーを新しいプロジェクトにコピーして実行します</translation>
        </message>
        <message>
            <source>&amp;File</source>
            <translation>ファイル(&amp;F)</translation>
        </message>
        <message>
            <source>&amp;Undo</source>
            <translation>元に戻す(&amp;U)</translation>
        </message>
        <message>
            <source>&amp;Redo</source>
            <translation>やり直す(&amp;R)</translation>
        </message>
        <message>
            <source>&amp;Edit</source>
            <translation>編集(&amp;E)</translation>
        </message>
        <message>
            <source>&amp;View</source>
            <translation>表示(&amp;V)</translation>
        </message>
        <message>
            <source>&amp;Help</source>
            <translation>ヘルプ(&amp;H)</translation>
        </message>
        <message>
            <source>Open &amp;Log Folder</source>
            <translation>ログフォルダーを開く(&amp;L)</translation>
        </message>
        <message>
            <source>Open &amp;Data Folder</source>
            <translation>データフォルダーを開く(&amp;D)</translation>
        </message>
        <message>
            <source>&amp;About GenGlossary</source>
            <translation>GenGlossary について(&amp;A)</translation>
        </message>
        <message>
            <source>About &amp;Qt</source>
            <translation>Qt について(&amp;Q)</translation>
        </message>
        <message>
            <source>Main</source>
            <translation>メイン</translation>
        </message>
        <message>
            <source>New Project</source>
            <translation>新規プロジェクト</translation>
        </message>
        <message>
            <source>Run</source>
            <translation>実行</translation>
        </message>
        <message>
            <source>Cancel Run</source>
            <translation>実行をキャンセル</translation>
        </message>
        <message>
            <source>Export Glossary</source>
            <translation>用語集をエクスポート</translation>
        </message>
        <message>
            <source>Run ▾</source>
            <translation>実行 ▾</translation>
        </message>
        <message>
            <source>Create a project from a folder of documents (Markdown or text, English or Japanese) and GenGlossary finds its terms and writes a glossary. You can also drop a folder on this window.</source>
            <translation>文書のフォルダー（Markdown またはテキスト、英語または日本語）からプロジェクトを作成すると、GenGlossary が用語を見つけて用語集を作ります。フォルダーをこのウィンドウにドロップしても作成できます。</translation>
        </message>
        <message>
            <source>Create Your First Project…</source>
            <translation>最初のプロジェクトを作成…</translation>
        </message>
        <message>
            <source>Open Sample Project</source>
            <translation>サンプルプロジェクトを開く</translation>
        </message>
        <message>
            <source>&amp;Language</source>
            <translation>言語(&amp;L)</translation>
        </message>
        <message>
            <source>Follow the System</source>
            <translation>システムに合わせる</translation>
        </message>
        <message>
            <source>Language saved.</source>
            <translation>言語を保存しました。</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>言語</translation>
        </message>
        <message>
            <source>GenGlossary will be in {language} from its next start.</source>
            <translation>次回の起動から GenGlossary は {language} で表示されます。</translation>
        </message>
        <message>
            <source>Restart now? Active runs are cancelled first; your work is kept.</source>
            <translation>今すぐ再起動しますか? 実行中の処理は先にキャンセルされます。作業内容は保持されます。</translation>
        </message>
        <message>
            <source>Restart Now</source>
            <translation>今すぐ再起動</translation>
        </message>
        <message>
            <source>Later</source>
            <translation>後で</translation>
        </message>
        <message>
            <source>Sample Project</source>
            <translation>サンプルプロジェクト</translation>
        </message>
        <message>
            <source>The sample project could not be made: {error}</source>
            <translation>サンプルプロジェクトを作成できませんでした: {error}</translation>
        </message>
        <message>
            <source>Running the sample project: its glossary opens when it is ready.</source>
            <translation>サンプルプロジェクトを実行しています。用語集ができると表示されます。</translation>
        </message>
        <message numerus="yes">
            <source>The sample project's glossary is ready: %n entries.</source>
            <translation>
                <numerusform>サンプルプロジェクトの用語集ができました: %n 項目。</numerusform>
            </translation>
        </message>
        <message>
            <source>Add Folder…</source>
            <translation>フォルダーを追加…</translation>
        </message>
        <message>
            <source>Add Files…</source>
            <translation>ファイルを追加…</translation>
        </message>
        <message>
            <source>Remove Source…</source>
            <translation>ソースを削除…</translation>
        </message>
        <message>
            <source>Version</source>
            <translation>バージョン</translation>
        </message>
        <message>
            <source>Data folder</source>
            <translation>データフォルダー</translation>
        </message>
        <message>
            <source>Log file</source>
            <translation>ログファイル</translation>
        </message>
        <message>
            <source>Qt / PySide6</source>
            <translation>Qt / PySide6</translation>
        </message>
        <message>
            <source>Python</source>
            <translation>Python</translation>
        </message>
        <message>
            <source>About GenGlossary</source>
            <translation>GenGlossary について</translation>
        </message>
        <message>
            <source>{project} — GenGlossary</source>
            <translation>{project} — GenGlossary</translation>
        </message>
        <message>
            <source>Importing documents into “{name}” (run {run})…</source>
            <translation>「{name}」に文書を取り込んでいます（実行 {run}）…</translation>
        </message>
        <message>
            <source>“{term}” has no entry of its own: refining dropped it.</source>
            <translation>「{term}」には独自の項目がありません。改善の段階で除かれました。</translation>
        </message>
        <message>
            <source>“{term}” was merged into “{found}”.</source>
            <translation>「{term}」は「{found}」に統合されました。</translation>
        </message>
        <message>
            <source>“{path}” is no longer among the project's documents.</source>
            <translation>「{path}」はもうプロジェクトの文書にありません。</translation>
        </message>
        <message>
            <source>Run {run} wrote no glossary entries.</source>
            <translation>実行 {run} は用語集の項目を書き出しませんでした。</translation>
        </message>
        <message>
            <source>Exporting to {name}…</source>
            <translation>{name} にエクスポートしています…</translation>
        </message>
        <message>
            <source>Exporting… {done} of {total} entries</source>
            <translation>エクスポート中… {total} 項目中 {done} 項目</translation>
        </message>
        <message numerus="yes">
            <source>Exported %n entries to {path}</source>
            <translation>
                <numerusform>%n 項目を {path} にエクスポートしました</numerusform>
            </translation>
        </message>
        <message>
            <source>{problem} Wait for it to finish or cancel it before starting another.</source>
            <translation>{problem} 終わるのを待つか、キャンセルしてから次の実行を始めてください。</translation>
        </message>
        <message>
            <source>Run {run} started ({scope}).</source>
            <translation>実行 {run} を開始しました（{scope}）。</translation>
        </message>
        <message>
            <source>Run {run} could not be cancelled just now: the database is busy. Try again in a moment.</source>
            <translation>実行 {run} を今はキャンセルできませんでした。データベースが使用中です。少し待ってからもう一度お試しください。</translation>
        </message>
        <message>
            <source>Run {run} cancelled before it started.</source>
            <translation>実行 {run} は開始前にキャンセルされました。</translation>
        </message>
        <message>
            <source>Cancelling run {run}…</source>
            <translation>実行 {run} をキャンセルしています…</translation>
        </message>
        <message>
            <source>Run {run} had already finished.</source>
            <translation>実行 {run} はすでに終わっていました。</translation>
        </message>
        <message>
            <source>Run {run} no longer exists.</source>
            <translation>実行 {run} はもう存在しません。</translation>
        </message>
        <message>
            <source>No active runs</source>
            <translation>実行中の処理はありません</translation>
        </message>
        <message numerus="yes">
            <source>%n active run(s)</source>
            <translation>
                <numerusform>実行中 %n 件</numerusform>
            </translation>
        </message>
        <message>
            <source>Run {run} ({scope}, {project}) failed: {error}</source>
            <translation>実行 {run}（{scope}、{project}）が失敗しました: {error}</translation>
        </message>
        <message>
            <source>Quit GenGlossary</source>
            <translation>GenGlossary を終了</translation>
        </message>
        <message numerus="yes">
            <source>%n run(s) still active or waiting to start. Cancel and quit? Finished results are kept.</source>
            <translation>
                <numerusform>%n 件の実行が実行中または開始待ちです。キャンセルして終了しますか? 完了した結果は保持されます。</numerusform>
            </translation>
        </message>
        <message>
            <source>Stopping runs…</source>
            <translation>実行を停止しています…</translation>
        </message>
    </context>
    <context>
        <name>NewProjectDialog</name>
        <message>
            <source>Detect per document</source>
            <extracomment>The language choices, in English (translated where the dialog shows them).</extracomment>
            <translation>文書ごとに判定</translation>
        </message>
        <message>
            <source>Japanese</source>
            <translation>日本語</translation>
        </message>
        <message>
            <source>English</source>
            <translation>英語</translation>
        </message>
        <message>
            <source>New Project</source>
            <translation>新規プロジェクト</translation>
        </message>
        <message>
            <source>For example: Product manual</source>
            <translation>例: 製品マニュアル</translation>
        </message>
        <message>
            <source>Add &amp;Folder…</source>
            <translation>フォルダーを追加(&amp;F)…</translation>
        </message>
        <message>
            <source>Add F&amp;iles…</source>
            <translation>ファイルを追加(&amp;I)…</translation>
        </message>
        <message>
            <source>&amp;Remove</source>
            <translation>削除(&amp;R)</translation>
        </message>
        <message>
            <source>Create and Import</source>
            <translation>作成して取り込む</translation>
        </message>
        <message>
            <source>&amp;Name:</source>
            <translation>名前(&amp;N):</translation>
        </message>
        <message>
            <source>&amp;Documents:</source>
            <translation>文書(&amp;D):</translation>
        </message>
        <message>
            <source>&amp;Language:</source>
            <translation>言語(&amp;L):</translation>
        </message>
        <message>
            <source>Markdown (.md) and text (.txt) files are imported; folders recursively.</source>
            <translation>Markdown（.md）とテキスト（.txt）のファイルを取り込みます。フォルダーはサブフォルダーまで含めて取り込みます。</translation>
        </message>
        <message>
            <source>Choose a folder of documents</source>
            <translation>文書のフォルダーを選択</translation>
        </message>
        <message>
            <source>Choose documents</source>
            <translation>文書を選択</translation>
        </message>
        <message>
            <source>Documents (*.md *.markdown *.txt);;All files (*)</source>
            <translation>文書 (*.md *.markdown *.txt);;すべてのファイル (*)</translation>
        </message>
        <message>
            <source>, </source>
            <translation>、</translation>
        </message>
        <message>
            <source>“{name}”</source>
            <translation>「{name}」</translation>
        </message>
        <message>
            <source>There are no Markdown (.md) or text (.txt) files in {sources}, so nothing would be imported. Choose another folder, or click “{button}” again to create the project anyway.</source>
            <translation>{sources}には Markdown（.md）やテキスト（.txt）のファイルがないため、何も取り込まれません。別のフォルダーを選ぶか、もう一度「{button}」をクリックしてこのままプロジェクトを作成してください。</translation>
        </message>
    </context>
    <context>
        <name>NotificationBar</name>
        <message>
            <source>Details…</source>
            <translation>詳細…</translation>
        </message>
        <message>
            <source>Dismiss</source>
            <translation>閉じる</translation>
        </message>
        <message>
            <source>Details</source>
            <translation>詳細</translation>
        </message>
    </context>
    <context>
        <name>ProjectActions</name>
        <message>
            <source>Importing the new documents and extracting their terms</source>
            <extracomment>Scopes that bring the terms up to date after the sources changed, in words (English, translated where they are shown).</extracomment>
            <translation>新しい文書の取り込みと用語の抽出</translation>
        </message>
        <message>
            <source>Extracting the terms again without the removed documents</source>
            <translation>削除した文書を除いた用語の再抽出</translation>
        </message>
        <message>
            <source>Re&amp;name Project…</source>
            <extracomment>Something to tell the user in the status bar (message, milliseconds). Something went wrong, for the notification bar (message, details). A run started for the user's change (run id).</extracomment>
            <translation>プロジェクト名を変更(&amp;N)…</translation>
        </message>
        <message>
            <source>&amp;Clone Project…</source>
            <translation>プロジェクトを複製(&amp;C)…</translation>
        </message>
        <message>
            <source>&amp;Delete Project…</source>
            <translation>プロジェクトを削除(&amp;D)…</translation>
        </message>
        <message>
            <source>Add Document &amp;Folder…</source>
            <translation>文書フォルダーを追加(&amp;F)…</translation>
        </message>
        <message>
            <source>Add Document F&amp;iles…</source>
            <translation>文書ファイルを追加(&amp;I)…</translation>
        </message>
        <message>
            <source>Re&amp;move Document Source…</source>
            <translation>文書のソースを削除(&amp;M)…</translation>
        </message>
        <message>
            <source>Delete Project</source>
            <translation>プロジェクトの削除</translation>
        </message>
        <message>
            <source>Delete “{name}” with its {documents}, {runs} and their glossaries from the data folder? Your files on disk are not touched. This cannot be undone.</source>
            <translation>「{name}」とその{documents}・{runs}・用語集をデータフォルダーから削除しますか？ディスク上のファイルはそのまま残ります。この操作は元に戻せません。</translation>
        </message>
        <message numerus="yes">
            <source>%Ln document(s)</source>
            <translation>
                <numerusform>%Ln 件の文書</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln run(s)</source>
            <translation>
                <numerusform>%Ln 件の実行</numerusform>
            </translation>
        </message>
        <message>
            <source>Add a folder of documents</source>
            <translation>文書のフォルダーを追加</translation>
        </message>
        <message>
            <source>Add documents</source>
            <translation>文書を追加</translation>
        </message>
        <message>
            <source>Documents (*.md *.markdown *.txt);;All files (*)</source>
            <translation>文書 (*.md *.markdown *.txt);;すべてのファイル (*)</translation>
        </message>
        <message>
            <source>Remove Document Source</source>
            <translation>文書のソースを削除</translation>
        </message>
        <message>
            <source>Remove this source and its documents from the project (the files stay on disk):</source>
            <translation>このソースとその文書をプロジェクトから削除します（ファイルはディスクに残ります）:</translation>
        </message>
        <message>
            <source>Rename Project</source>
            <translation>プロジェクト名の変更</translation>
        </message>
        <message>
            <source>New name:</source>
            <translation>新しい名前:</translation>
        </message>
        <message>
            <source>The project was not renamed</source>
            <translation>プロジェクト名は変更されませんでした</translation>
        </message>
        <message>
            <source>Clone Project</source>
            <translation>プロジェクトの複製</translation>
        </message>
        <message>
            <source>A copy with the documents, your curation and the current glossary, named:</source>
            <translation>文書、あなたの編集内容、現在の用語集を含むコピーの名前:</translation>
        </message>
        <message>
            <source>{name} (copy)</source>
            <translation>{name}（コピー）</translation>
        </message>
        <message>
            <source>The project was not copied</source>
            <translation>プロジェクトは複製されませんでした</translation>
        </message>
        <message>
            <source>Copied “{name}” to “{copy}”.</source>
            <translation>「{name}」を「{copy}」として複製しました。</translation>
        </message>
        <message>
            <source>“{name}” cannot be deleted while run {run} is active. Wait for it to finish or cancel it first.</source>
            <translation>実行 {run} が進行中のため、「{name}」は削除できません。終了を待つか、先に実行をキャンセルしてください。</translation>
        </message>
        <message>
            <source>The project was not deleted</source>
            <translation>プロジェクトは削除されませんでした</translation>
        </message>
        <message>
            <source>Deleted “{name}”.</source>
            <translation>「{name}」を削除しました。</translation>
        </message>
        <message>
            <source>Those documents are already among the project's sources.</source>
            <translation>それらの文書はすでにプロジェクトのソースに含まれています。</translation>
        </message>
        <message>
            <source>The documents were not added: {reason}</source>
            <translation>文書は追加されませんでした: {reason}</translation>
        </message>
        <message>
            <source>The project has no document sources.</source>
            <translation>このプロジェクトには文書のソースがありません。</translation>
        </message>
        <message>
            <source>The source was not removed</source>
            <translation>ソースは削除されませんでした</translation>
        </message>
        <message numerus="yes">
            <source>Removed “{source}” and its %Ln document(s).</source>
            <translation>
                <numerusform>「{source}」とその文書 %Ln 件を削除しました。</numerusform>
            </translation>
        </message>
        <message>
            <source>{what} could not start: {reason}</source>
            <translation>{what}を開始できませんでした: {reason}</translation>
        </message>
        <message>
            <source>{what} starts when run {run} has finished.</source>
            <translation>{what}は実行 {run} の終了後に始まります。</translation>
        </message>
        <message>
            <source>{what} (run {run})…</source>
            <translation>{what}（実行 {run}）…</translation>
        </message>
        <message>
            <source>{failed}: {reason}</source>
            <translation>{failed}: {reason}</translation>
        </message>
        <message>
            <source>Run {run} of “{name}” started (it was waiting).</source>
            <translation>待機していた「{name}」の実行 {run} が始まりました。</translation>
        </message>
        <message>
            <source>project {id}</source>
            <translation>プロジェクト {id}</translation>
        </message>
        <message>
            <source>The {scope} run of “{name}” that was waiting could not start: {reason}</source>
            <translation>待機していた「{name}」の{scope}の実行を開始できませんでした: {reason}</translation>
        </message>
    </context>
    <context>
        <name>ProjectListModel</name>
        <message>
            <source>Project</source>
            <translation>プロジェクト</translation>
        </message>
    </context>
    <context>
        <name>RunTableModel</name>
        <message>
            <source>ID</source>
            <extracomment>Rows fetched per page: enough to fill a tall window several times. Progress bars and durations of active rows repaint this often. The column headers (English; translated in ``headerData``).</extracomment>
            <translation>ID</translation>
        </message>
        <message>
            <source>Project</source>
            <translation>プロジェクト</translation>
        </message>
        <message>
            <source>Scope</source>
            <translation>範囲</translation>
        </message>
        <message>
            <source>Status</source>
            <translation>状態</translation>
        </message>
        <message>
            <source>Progress</source>
            <translation>進捗</translation>
        </message>
        <message>
            <source>Started</source>
            <translation>開始</translation>
        </message>
        <message>
            <source>Duration</source>
            <translation>所要時間</translation>
        </message>
        <message>
            <source>Triggered by</source>
            <translation>開始元</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>エラー</translation>
        </message>
        <message>
            <source>Cancel run {run}</source>
            <extracomment>(step, done, total) True while pending or running. True once a cancel was asked for (the Cancel button shows "Cancelling…"). Ids of loaded rows that are pending or running (repainted on the timer). The newest id read by a query over the whole range (new runs are read above it). The latest full progress of active runs: this process's from their signals, the others' from their rows (with an estimate of the time left made here).</extracomment>
            <translation>実行 {run} をキャンセル</translation>
        </message>
        <message>
            <source>waiting to start</source>
            <translation>開始待ち</translation>
        </message>
        <message>
            <source>starting</source>
            <translation>開始中</translation>
        </message>
        <message>
            <source>{step} {percent}%</source>
            <translation>{step} {percent}%</translation>
        </message>
        <message>
            <source>{done}/{total} {unit}</source>
            <translation>{done}/{total} {unit}</translation>
        </message>
        <message>
            <source>about {time} left</source>
            <translation>残り約 {time}</translation>
        </message>
        <message>
            <source>{count} open</source>
            <translation>{count} 件送信中</translation>
        </message>
        <message>
            <source>{count} retrying</source>
            <translation>{count} 件再試行待ち</translation>
        </message>
        <message>
            <source>waiting {time}</source>
            <translation>{time} 応答待ち</translation>
        </message>
        <message>
            <source>{step}: {done} of {total} {unit}</source>
            <translation>{step}: {total} {unit}中 {done}</translation>
        </message>
        <message>
            <source>{step}: just started</source>
            <translation>{step}: 開始したところ</translation>
        </message>
        <message>
            <source>Waiting for the model server: requests open: {open}, waiting to retry: {retrying}; nothing back for {time}</source>
            <translation>モデルサーバーの応答待ち: 送信中のリクエスト {open} 件、再試行待ち {retrying} 件。{time} の間応答がありません</translation>
        </message>
    </context>
    <context>
        <name>RunsPage</name>
        <message>
            <source>Show runs of all projects</source>
            <extracomment>Log lines the pane loads at most (each refresh, too). Lines kept in the pane while a run logs on. The user asked to cancel this run (button or Esc). The user wants to see this run's glossary output (double-click or Enter).</extracomment>
            <translation>すべてのプロジェクトの実行を表示</translation>
        </message>
        <message>
            <source>Double-click a run to see the glossary it wrote.</source>
            <translation>実行をダブルクリックすると、その実行が書き出した用語集を表示します。</translation>
        </message>
        <message>
            <source>Select a run to read its log.</source>
            <translation>実行を選ぶと、そのログが表示されます。</translation>
        </message>
        <message>
            <source>Log of run {run}</source>
            <translation>実行 {run} のログ</translation>
        </message>
        <message numerus="yes">
            <source>… only the last %Ln lines are shown here; `genglossary log {run}` prints the whole log.</source>
            <translation>
                <numerusform>… ここには最後の %Ln 行だけを表示しています。ログ全体は `genglossary log {run}` で出力できます。</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message>
            <source>Built-in (offline)</source>
            <extracomment>The engine choices (translated where they are shown, context "SettingsPage").
----------
The engines' short names, in the one line that says what new projects start with.</extracomment>
            <translation>内蔵（オフライン）</translation>
        </message>
        <message>
            <source>Ollama</source>
            <translation>Ollama</translation>
        </message>
        <message>
            <source>OpenAI-compatible (OpenAI, Azure, LM Studio, llama.cpp, vLLM)</source>
            <translation>OpenAI 互換（OpenAI、Azure、LM Studio、llama.cpp、vLLM）</translation>
        </message>
        <message>
            <source>OpenAI-compatible</source>
            <translation>OpenAI 互換</translation>
        </message>
        <message>
            <source>Choose an engine.</source>
            <extracomment>The engine layer's messages the page shows (EngineConfig.problems(), KeyringUnavailable), listed for lupdate; shown through QCoreApplication.translate("SettingsPage", message), so a message not listed here shows as it is.</extracomment>
            <translation>エンジンを選んでください。</translation>
        </message>
        <message>
            <source>Enter the server address.</source>
            <translation>サーバーのアドレスを入力してください。</translation>
        </message>
        <message>
            <source>The server address cannot contain spaces.</source>
            <translation>サーバーのアドレスに空白は使えません。</translation>
        </message>
        <message>
            <source>Add http:// or https:// before the address.</source>
            <translation>アドレスの前に http:// または https:// を付けてください。</translation>
        </message>
        <message>
            <source>The server address must start with http:// or https://.</source>
            <translation>サーバーのアドレスは http:// または https:// で始めてください。</translation>
        </message>
        <message>
            <source>Add the server's name or IP address after http://.</source>
            <translation>http:// の後にサーバー名または IP アドレスを入力してください。</translation>
        </message>
        <message>
            <source>The server's name or IP address is not valid.</source>
            <translation>サーバー名または IP アドレスが正しくありません。</translation>
        </message>
        <message>
            <source>The port must be a number from 1 to 65535.</source>
            <translation>ポートは 1 から 65535 までの数にしてください。</translation>
        </message>
        <message>
            <source>The Azure API version looks like 2024-06-01 (leave it empty for other servers).</source>
            <translation>Azure API のバージョンは 2024-06-01 のような形式です（他のサーバーでは空欄にしてください）。</translation>
        </message>
        <message>
            <source>Choose a model.</source>
            <translation>モデルを選んでください。</translation>
        </message>
        <message>
            <source>Requests in flight must be a whole number from 1 to 64.</source>
            <translation>同時リクエスト数は 1 から 64 までの整数にしてください。</translation>
        </message>
        <message>
            <source>The timeout must be between 1 and 3600 seconds.</source>
            <translation>タイムアウトは 1 から 3600 秒の間にしてください。</translation>
        </message>
        <message>
            <source>The temperature must be between 0 and 2.</source>
            <translation>温度は 0 から 2 の間にしてください。</translation>
        </message>
        <message>
            <source>The share of failed requests allowed must be between 0 and 100 %.</source>
            <translation>許容する失敗リクエストの割合は 0 から 100 % の間にしてください。</translation>
        </message>
        <message>
            <source>The number of terms to define must be a whole number from 1 to 5000, or all.</source>
            <translation>定義する用語の数は 1 から 5000 までの整数、またはすべてにしてください。</translation>
        </message>
        <message>
            <source>The context budget must be a whole number of tokens from 512 to 2097152.</source>
            <translation>コンテキスト予算は 512 から 2097152 までの整数（トークン数）にしてください。</translation>
        </message>
        <message>
            <source>response_format json_schema</source>
            <translation>response_format の json_schema 形式</translation>
        </message>
        <message>
            <source>response_format json_object with the schema</source>
            <translation>スキーマ付きの response_format json_object</translation>
        </message>
        <message>
            <source>response_format json_object, the schema in the prompt</source>
            <translation>response_format json_object（スキーマはプロンプト内）</translation>
        </message>
        <message>
            <source>no structured output, the schema in the prompt</source>
            <translation>構造化出力なし（スキーマはプロンプト内）</translation>
        </message>
        <message>
            <source>Ollama's format with the schema</source>
            <translation>スキーマを指定した Ollama の format</translation>
        </message>
        <message>
            <source>No system keyring is available here, so the key cannot be saved. Set the GENGLOSSARY_API_KEY environment variable instead.</source>
            <translation>この環境にはシステムのキーリングがないため、キーを保存できません。代わりに環境変数 GENGLOSSARY_API_KEY を設定してください。</translation>
        </message>
        <message>
            <source>only for Azure OpenAI, e.g. 2024-06-01</source>
            <extracomment>The attention colour of a field's problem (as the dialogs' errors). The connection test or model list running (one at a time), and its button. How long the connection test and the model list wait for the server. What the last connection test found (None before the first).</extracomment>
            <translation>Azure OpenAI の場合のみ（例: 2024-06-01）</translation>
        </message>
        <message>
            <source>Fetch Mode&amp;ls</source>
            <translation>モデルを取得(&amp;L)</translation>
        </message>
        <message>
            <source>kept in the system keyring, never in the project</source>
            <translation>システムのキーリングに保存され、プロジェクトには保存されません</translation>
        </message>
        <message>
            <source> s</source>
            <comment>seconds</comment>
            <translation> 秒</translation>
        </message>
        <message>
            <source>The longest wait between two parts of a streamed answer</source>
            <translation>ストリーミング応答の断片と断片の間に待つ最長時間</translation>
        </message>
        <message>
            <source>A run whose model failed on more than this share of its terms is kept aside: it does not replace the current glossary (you can still use it from the Glossary page)</source>
            <translation>モデルが用語のこの割合を超えて失敗した実行は保留され、現在の用語集を置き換えません（用語集ページから使うことはできます）</translation>
        </message>
        <message>
            <source> tokens</source>
            <translation> トークン</translation>
        </message>
        <message>
            <source>How many tokens a question and its reply may take on the server: its context length, or less. Questions are sized to fit and the reply's length limit is what is left. Test Connection shows the server's context where it tells it.</source>
            <translation>質問と応答がサーバー上で使えるトークン数です（サーバーのコンテキスト長、またはそれ以下）。質問はこの範囲に収まるように作られ、応答の長さの上限は残りの分になります。サーバーが知らせる場合、接続テストでサーバーのコンテキスト長を表示します。</translation>
        </message>
        <message>
            <source>All</source>
            <translation>すべて</translation>
        </message>
        <message>
            <source>How many of the best-ranked candidates a run defines at most; the terms you require or group and those the documents define come on top. All: every candidate scoring at least the average. Applies from the next extraction (a Full or Extract run): the Terms page shows the cut-off.</source>
            <translation>1 回の実行で定義する、順位の高い候補の最大数です。必須にした用語、同義語グループの用語、文書が定義している用語はこれとは別に加わります。「すべて」では、スコアが平均以上の候補をすべて定義します。次の抽出（「全体」または「抽出」の実行）から適用され、カットオフは「用語」ページに表示されます。</translation>
        </message>
        <message>
            <source>Save prompts and replies with each run (keys and paths removed)</source>
            <translation>実行ごとにプロンプトと応答を保存する（キーとパスは除去）</translation>
        </message>
        <message>
            <source>Test &amp;Connection</source>
            <translation>接続をテスト(&amp;C)</translation>
        </message>
        <message>
            <source>S&amp;ave Settings</source>
            <translation>設定を保存(&amp;A)</translation>
        </message>
        <message>
            <source>E&amp;ngine:</source>
            <extracomment>Each field the rules check (by EngineConfig field name), and its problem label.</extracomment>
            <translation>エンジン(&amp;N):</translation>
        </message>
        <message>
            <source>Server address:</source>
            <translation>サーバーのアドレス:</translation>
        </message>
        <message>
            <source>A&amp;zure API version:</source>
            <translation>Azure API のバージョン(&amp;Z):</translation>
        </message>
        <message>
            <source>&amp;Model:</source>
            <translation>モデル(&amp;M):</translation>
        </message>
        <message>
            <source>API &amp;key:</source>
            <translation>API キー(&amp;K):</translation>
        </message>
        <message>
            <source>Re&amp;quests in flight:</source>
            <translation>同時リクエスト数(&amp;Q):</translation>
        </message>
        <message>
            <source>Time&amp;out:</source>
            <translation>タイムアウト(&amp;O):</translation>
        </message>
        <message>
            <source>Tem&amp;perature:</source>
            <translation>温度(&amp;P):</translation>
        </message>
        <message>
            <source>Conte&amp;xt budget:</source>
            <translation>コンテキスト予算(&amp;X):</translation>
        </message>
        <message>
            <source>Keep aside a&amp;bove:</source>
            <translation>保留するしきい値(&amp;B):</translation>
        </message>
        <message>
            <source>Terms to define:</source>
            <translation>定義する用語数:</translation>
        </message>
        <message>
            <source>Default for new projects</source>
            <translation>新規プロジェクトの既定</translation>
        </message>
        <message>
            <source>Use These Settings for New Projects</source>
            <translation>この設定を新規プロジェクトに使う</translation>
        </message>
        <message>
            <source>Reset to Built-in</source>
            <translation>内蔵エンジンに戻す</translation>
        </message>
        <message>
            <source>New projects start with the built-in engine, which needs no server</source>
            <translation>新規プロジェクトは、サーバーが不要な内蔵エンジンで始まります</translation>
        </message>
        <message>
            <source>Saved.</source>
            <translation>保存しました。</translation>
        </message>
        <message>
            <source>Saved; the API key is in the system keyring.</source>
            <translation>保存しました。API キーはシステムのキーリングにあります。</translation>
        </message>
        <message>
            <source>Saved, except the key: {reason}</source>
            <translation>保存しましたが、キーは保存できませんでした: {reason}</translation>
        </message>
        <message>
            <source>New projects will start with: {engine}. The API key is not copied: a new project on the same server uses the one saved in the system keyring.</source>
            <translation>新規プロジェクトは「{engine}」で始まります。API キーはコピーされません。同じサーバーを使う新規プロジェクトは、システムのキーリングに保存されたキーを使います。</translation>
        </message>
        <message>
            <source>New projects will start with: {engine}.</source>
            <translation>新規プロジェクトは「{engine}」で始まります。</translation>
        </message>
        <message>
            <source>New projects will start with the built-in engine (offline).</source>
            <translation>新規プロジェクトは内蔵エンジン（オフライン）で始まります。</translation>
        </message>
        <message>
            <source>Database problem: {error}</source>
            <translation>データベースの問題: {error}</translation>
        </message>
        <message>
            <source>The default for new projects was not changed: {reason}</source>
            <translation>新規プロジェクトの既定は変更されませんでした: {reason}</translation>
        </message>
        <message>
            <source>Start new projects with the engine and settings above (the API key stays in the system keyring)</source>
            <translation>新規プロジェクトを上のエンジンと設定で始めます（API キーはシステムのキーリングに残ります）</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>キャンセル</translation>
        </message>
        <message>
            <source>Stop asking the server (Esc)</source>
            <translation>サーバーへの問い合わせをやめます（Esc）</translation>
        </message>
        <message>
            <source>No answer from {url} within {seconds} s.</source>
            <translation>{url} から {seconds} 秒以内に応答がありませんでした。</translation>
        </message>
        <message>
            <source>Fetching the models…</source>
            <translation>モデルを取得しています…</translation>
        </message>
        <message>
            <source>Fetching the models was cancelled.</source>
            <translation>モデルの取得をキャンセルしました。</translation>
        </message>
        <message numerus="yes">
            <source>%Ln models on the server.</source>
            <translation>
                <numerusform>サーバーに %Ln 個のモデルがあります。</numerusform>
            </translation>
        </message>
        <message>
            <source>Connecting to {url}… (at most {seconds} s; Esc cancels)</source>
            <translation>{url} に接続しています…（最長 {seconds} 秒、Esc でキャンセル）</translation>
        </message>
        <message>
            <source>Connection test cancelled.</source>
            <translation>接続テストをキャンセルしました。</translation>
        </message>
        <message>
            <source>Connected, but the model '{model}' is not on the server. Available: {models}.</source>
            <translation>接続しましたが、モデル「{model}」はサーバーにありません。利用できるモデル: {models}。</translation>
        </message>
        <message>
            <source>none</source>
            <translation>なし</translation>
        </message>
        <message numerus="yes">
            <source>Connected to {url}: %Ln models.</source>
            <translation>
                <numerusform>{url} に接続しました: モデルは %Ln 個です。</numerusform>
            </translation>
        </message>
        <message>
            <source>Server: {kind}.</source>
            <translation>サーバー: {kind}。</translation>
        </message>
        <message>
            <source>Structured output: {dialect}.</source>
            <translation>構造化出力: {dialect}。</translation>
        </message>
        <message>
            <source>The model could not answer a test question: {problem}</source>
            <translation>モデルがテストの質問に答えられませんでした: {problem}</translation>
        </message>
        <message>
            <source>The model did not answer a test question within {seconds} s; the reply format is found on the first run.</source>
            <translation>モデルが {seconds} 秒以内にテストの質問に答えませんでした。応答の形式は最初の実行で確かめます。</translation>
        </message>
        <message>
            <source>The server's context: {tokens} tokens.</source>
            <translation>サーバーのコンテキスト長: {tokens} トークン。</translation>
        </message>
        <message>
            <source>llama-cpp-python: start it with --interrupt_requests False or set Requests in flight to 1 (it stops a reply when the next request comes).</source>
            <translation>llama-cpp-python: --interrupt_requests False を付けて起動するか、同時リクエスト数を 1 にしてください（次のリクエストが来ると応答を途中で止めます）。</translation>
        </message>
        <message>
            <source>llama-cpp-python: start it with --n_ctx {tokens} (its context is 2,048 tokens unless told, less than the context budget of {budget} set here).</source>
            <translation>llama-cpp-python: --n_ctx {tokens} を付けて起動してください（指定しないとコンテキストは 2,048 トークンで、ここで設定したコンテキスト予算 {budget} より小さくなります）。</translation>
        </message>
        <message>
            <source>The server's context is {context} tokens, less than the context budget of {budget} set here: lower the budget to {context} or give the server a larger context.</source>
            <translation>サーバーのコンテキストは {context} トークンで、ここで設定したコンテキスト予算 {budget} より小さいです。予算を {context} に下げるか、サーバーのコンテキストを大きくしてください。</translation>
        </message>
        <message>
            <source>The server does not check replies against the schema: expect more replies to be asked again, and some terms to keep their built-in definition.</source>
            <translation>サーバーは応答をスキーマで検証しません。問い直しが増え、一部の用語は組み込みエンジンの定義のままになることがあります。</translation>
        </message>
    </context>
    <context>
        <name>TablePage</name>
        <message>
            <source>Filter rows…</source>
            <extracomment>Column -&gt; width in pixels, for columns whose text the default width cuts. The column that takes the width left over.</extracomment>
            <translation>行を絞り込み…</translation>
        </message>
        <message numerus="yes">
            <source>%Ln rows</source>
            <translation>
                <numerusform>%Ln 行</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %Ln rows</source>
            <translation>
                <numerusform>%Ln 行中 {shown} 行</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>TermCard</name>
        <message>
            <source>Close the term card</source>
            <extracomment>Occurrences listed at most, in this document and in the others. "require", "exclude", "clear" (the mark back to candidate), "glossary" (open the entry). The user's definition (None: back to the suggested one). Go to occurrence number N of this document's list. Open another document at a line. +1: the next occurrence in this document, -1: the previous one.</extracomment>
            <translation>用語カードを閉じる</translation>
        </message>
        <message>
            <source>Save</source>
            <translation>保存</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>キャンセル</translation>
        </message>
        <message>
            <source>Use the Suggested Definition</source>
            <translation>提案された定義を使う</translation>
        </message>
        <message>
            <source>Require</source>
            <translation>必須にする</translation>
        </message>
        <message>
            <source>The next run puts the term in the glossary</source>
            <translation>次の実行でこの用語を用語集に入れます</translation>
        </message>
        <message>
            <source>Exclude</source>
            <translation>除外</translation>
        </message>
        <message>
            <source>No run puts the term in the glossary</source>
            <translation>どの実行でもこの用語を用語集に入れません</translation>
        </message>
        <message>
            <source>Clear Mark</source>
            <translation>指定を解除</translation>
        </message>
        <message>
            <source>Neither required nor excluded: the runs decide</source>
            <translation>必須でも除外でもなくします：実行が判断します</translation>
        </message>
        <message>
            <source>Edit Definition…</source>
            <translation>定義を編集…</translation>
        </message>
        <message>
            <source>Add Note…</source>
            <translation>メモを追加…</translation>
        </message>
        <message>
            <source>Open in Glossary</source>
            <translation>用語集で開く</translation>
        </message>
        <message>
            <source>Show the term's entry on the Glossary page</source>
            <translation>用語集ページでこの用語の項目を表示します</translation>
        </message>
        <message>
            <source>Previous</source>
            <translation>前へ</translation>
        </message>
        <message>
            <source>The previous occurrence of the term in this document</source>
            <translation>この文書内の前の出現箇所</translation>
        </message>
        <message>
            <source>Next</source>
            <translation>次へ</translation>
        </message>
        <message>
            <source>The next occurrence of the term in this document</source>
            <translation>この文書内の次の出現箇所</translation>
        </message>
        <message>
            <source>Click an occurrence to go to it</source>
            <translation>出現箇所をクリックするとそこへ移動します</translation>
        </message>
        <message>
            <source>Occurrences</source>
            <translation>出現箇所</translation>
        </message>
        <message>
            <source>Not in the current glossary</source>
            <translation>現在の用語集にはありません</translation>
        </message>
        <message>
            <source>No definition yet: the term has no entry in the glossary.</source>
            <translation>まだ定義はありません：この用語には用語集の項目がありません。</translation>
        </message>
        <message>
            <source>(no text)</source>
            <translation>（テキストなし）</translation>
        </message>
        <message>
            <source>Variants: {variants}</source>
            <translation>異表記：{variants}</translation>
        </message>
        <message>
            <source>Variants: none</source>
            <translation>異表記：なし</translation>
        </message>
        <message>
            <source>Your note: {note}</source>
            <translation>メモ：{note}</translation>
        </message>
        <message>
            <source>Write your own definition of the entry</source>
            <translation>この項目の定義を自分で書きます</translation>
        </message>
        <message>
            <source>Only a glossary entry has a definition: require the term and run the glossary</source>
            <translation>定義があるのは用語集の項目だけです：用語を必須にして用語集を生成してください</translation>
        </message>
        <message>
            <source>Edit Note…</source>
            <translation>メモを編集…</translation>
        </message>
        <message>
            <source>Line {line}: {text}</source>
            <translation>{line} 行目：{text}</translation>
        </message>
        <message>
            <source>… and {count} more in this document</source>
            <translation>…ほかにこの文書内に {count} 件</translation>
        </message>
        <message>
            <source>{path}, line {line}: {sentence}</source>
            <translation>{path} の {line} 行目：{sentence}</translation>
        </message>
        <message>
            <source>Open {path} at line {line}</source>
            <translation>{path} を {line} 行目で開く</translation>
        </message>
        <message>
            <source>… and {count} more in other documents</source>
            <translation>…ほかの文書に {count} 件</translation>
        </message>
        <message>
            <source>None found</source>
            <translation>見つかりません</translation>
        </message>
        <message>
            <source>Not in this document</source>
            <translation>この文書にはありません</translation>
        </message>
        <message>
            <source>{total} in this document</source>
            <translation>この文書内に {total} 件</translation>
        </message>
        <message>
            <source>{current} of {total} in this document</source>
            <translation>この文書内の {current} / {total} 件目</translation>
        </message>
        <message>
            <source>Your definition of “{term}”:</source>
            <translation>「{term}」の定義：</translation>
        </message>
        <message>
            <source>Your note on “{term}”:</source>
            <translation>「{term}」のメモ：</translation>
        </message>
        <message>
            <source>Glossary entry · required by you</source>
            <translation>用語集の項目 · 必須に指定済み</translation>
        </message>
        <message>
            <source>Glossary entry · excluded by you</source>
            <translation>用語集の項目 · 除外に指定済み</translation>
        </message>
        <message>
            <source>Glossary entry</source>
            <translation>用語集の項目</translation>
        </message>
        <message>
            <source>Excluded by you (still in the current glossary)</source>
            <translation>除外に指定済み（現在の用語集にはまだあります）</translation>
        </message>
        <message>
            <source>Excluded by you</source>
            <translation>除外に指定済み</translation>
        </message>
        <message>
            <source>Required by you: the next run defines it</source>
            <translation>必須に指定済み：次の実行で定義されます</translation>
        </message>
        <message>
            <source>Candidate: found in the documents, not in the glossary</source>
            <translation>候補：文書で見つかりましたが、用語集にはありません</translation>
        </message>
    </context>
    <context>
        <name>TermTableModel</name>
        <message>
            <source>Term</source>
            <translation>用語</translation>
        </message>
        <message>
            <source>Score</source>
            <translation>スコア</translation>
        </message>
        <message>
            <source>Frequency</source>
            <translation>頻度</translation>
        </message>
        <message>
            <source>Documents</source>
            <translation>文書数</translation>
        </message>
        <message>
            <source>Language</source>
            <translation>言語</translation>
        </message>
        <message>
            <source>Your mark</source>
            <translation>指定</translation>
        </message>
        <message>
            <source>Glossary</source>
            <translation>用語集</translation>
        </message>
        <message>
            <source>Entry</source>
            <translation>項目</translation>
        </message>
        <message>
            <source>Category</source>
            <translation>分類</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>メモ</translation>
        </message>
        <message>
            <source>✓ required</source>
            <extracomment>The translations' context of the term table's texts (module functions included).</extracomment>
            <translation>✓ 必須</translation>
        </message>
        <message>
            <source>✓ defined</source>
            <translation>✓ 定義あり</translation>
        </message>
        <message>
            <source>✓ grouped or split</source>
            <translation>✓ グループ化または分割</translation>
        </message>
        <message>
            <source>below the cut-off</source>
            <translation>カットオフ未満</translation>
        </message>
        <message>
            <source>seen once</source>
            <translation>1 回のみ出現</translation>
        </message>
        <message>
            <source>not found</source>
            <translation>見つからない</translation>
        </message>
        <message>
            <source>excluded</source>
            <translation>除外</translation>
        </message>
        <message>
            <source>You require it: the next run defines it.</source>
            <translation>必須に指定されています：次の実行で定義されます。</translation>
        </message>
        <message>
            <source>In a group of yours, or split out of an entry by you: the next run defines it.</source>
            <translation>あなたが作ったグループにあるか、あなたが項目から分割しました：次の実行で定義されます。</translation>
        </message>
        <message>
            <source>A sentence of the documents defines it: the next run defines it, however rarely it occurs.</source>
            <translation>文書中の文がこの用語を定義しています：出現がどれほど少なくても、次の実行で定義されます。</translation>
        </message>
        <message>
            <source>Scores above the cut-off that the extraction chose from the scores: the next run defines it.</source>
            <translation>抽出がスコアから選んだカットオフを上回るスコアです：次の実行で定義されます。</translation>
        </message>
        <message>
            <source>Ranked below the cut-off: not in the glossary unless you require it.</source>
            <translation>順位がカットオフ未満です：必須にしない限り用語集には入りません。</translation>
        </message>
        <message>
            <source>Occurs once and no sentence defines it: not in the glossary unless you require it.</source>
            <translation>1 回だけ出現し、定義する文がありません：必須にしない限り用語集には入りません。</translation>
        </message>
        <message>
            <source>The last extraction did not find it in the documents; your mark is kept for when it appears again.</source>
            <translation>前回の抽出では文書中に見つかりませんでした。再び現れたときのために指定は保持されます。</translation>
        </message>
        <message>
            <source>You excluded it: never in the glossary.</source>
            <translation>除外に指定されています：用語集に入ることはありません。</translation>
        </message>
        <message>
            <source>required</source>
            <extracomment>The user's marks as the Your mark column shows them (the value, not this, is sorted).</extracomment>
            <translation>必須</translation>
        </message>
        <message>
            <source>also {aliases}</source>
            <translation>別名 {aliases}</translation>
        </message>
        <message>
            <source>heads a group</source>
            <translation>グループの見出し語</translation>
        </message>
        <message>
            <source>You merged it into “{headword}”: one entry, this term its variant. Split gives it its own entry again.</source>
            <translation>あなたが「{headword}」に統合しました：1 つの項目になり、この用語はその異表記です。分割すると再び独自の項目になります。</translation>
        </message>
        <message>
            <source>The current glossary merged it into “{headword}”. Split gives it its own entry, in this glossary and every later one.</source>
            <translation>現在の用語集はこの用語を「{headword}」に統合しました。分割すると、この用語集とそれ以降のすべての用語集で独自の項目になります。</translation>
        </message>
        <message>
            <source>Heads the synonym group you made: the next run gives it one entry.</source>
            <translation>あなたが作った同義語グループの見出し語です：次の実行で 1 つの項目になります。</translation>
        </message>
        <message>
            <source>Its entry has the variants {aliases}.</source>
            <translation>この項目には異表記 {aliases} があります。</translation>
        </message>
        <message>
            <source>Your category</source>
            <translation>あなたが付けた分類</translation>
        </message>
        <message>
            <source>The category the model gave it</source>
            <translation>モデルが付けた分類</translation>
        </message>
        <message>
            <source>{term}
Your note: {note}</source>
            <translation>{term}
メモ：{note}</translation>
        </message>
        <message>
            <source>Always in the glossary; never dropped as unnecessary.</source>
            <translation>常に用語集に入り、不要として外されることはありません。</translation>
        </message>
        <message>
            <source>Never in the glossary.</source>
            <translation>用語集に入ることはありません。</translation>
        </message>
    </context>
    <context>
        <name>TermsPage</name>
        <message>
            <source>Re&amp;quire</source>
            <translation>必須にする(&amp;Q)</translation>
        </message>
        <message>
            <source>Always define the selected terms; never drop them</source>
            <translation>選んだ用語を常に定義し、外さないようにします</translation>
        </message>
        <message>
            <source>E&amp;xclude</source>
            <translation>除外(&amp;X)</translation>
        </message>
        <message>
            <source>Never put the selected terms in the glossary</source>
            <translation>選んだ用語を用語集に入れないようにします</translation>
        </message>
        <message>
            <source>Reset Mar&amp;k</source>
            <translation>印を元に戻す(&amp;K)</translation>
        </message>
        <message>
            <source>Let the ranking decide again</source>
            <translation>順位付けに判断を戻します</translation>
        </message>
        <message>
            <source>&amp;Add Term…</source>
            <translation>用語を追加(&amp;A)…</translation>
        </message>
        <message>
            <source>Add a term of your own; the next run defines it</source>
            <translation>自分で用語を追加します。次の実行で定義されます</translation>
        </message>
        <message>
            <source>&amp;Note…</source>
            <translation>メモ(&amp;N)…</translation>
        </message>
        <message>
            <source>Write a note on the selected term (a model is told about it)</source>
            <translation>選んだ用語にメモを書きます（モデルにも伝えられます）</translation>
        </message>
        <message>
            <source>&amp;Category…</source>
            <translation>分類(&amp;C)…</translation>
        </message>
        <message>
            <source>Give the selected terms a category of your own</source>
            <translation>選んだ用語に自分で分類を付けます</translation>
        </message>
        <message>
            <source>&amp;Merge…</source>
            <translation>統合(&amp;M)…</translation>
        </message>
        <message>
            <source>Make the selected terms one entry: choose its headword, the others are variants</source>
            <translation>選んだ用語を 1 つの項目にまとめます。見出し語を選ぶと、ほかは別名になります</translation>
        </message>
        <message>
            <source>S&amp;plit</source>
            <translation>分割(&amp;P)</translation>
        </message>
        <message>
            <source>Give the selected variant its own entry again (also undoes an automatic merge)</source>
            <translation>選んだ別名を再び独自の項目にします（自動の統合も取り消せます）</translation>
        </message>
        <message>
            <source>Your changes are kept across re-runs; Ctrl+Z undoes them.</source>
            <translation>変更は再実行しても保持されます。Ctrl+Z で元に戻せます。</translation>
        </message>
        <message>
            <source>Filter terms…</source>
            <translation>用語を絞り込み…</translation>
        </message>
        <message numerus="yes">
            <source>%Ln terms</source>
            <translation>
                <numerusform>%Ln 件の用語</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %Ln terms</source>
            <translation>
                <numerusform>%Ln 件中 {shown} 件の用語</numerusform>
            </translation>
        </message>
        <message>
            <source>Mark Terms</source>
            <extracomment>Other tables whose changes show on this page (the Entry column).</extracomment>
            <translation>用語に印を付ける</translation>
        </message>
        <message>
            <source>Add Term</source>
            <translation>用語を追加</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>メモ</translation>
        </message>
        <message>
            <source>Category</source>
            <translation>分類</translation>
        </message>
        <message>
            <source>Merge</source>
            <translation>統合</translation>
        </message>
        <message>
            <source>Split</source>
            <translation>分割</translation>
        </message>
        <message>
            <source>Database problem: {error}</source>
            <translation>データベースの問題: {error}</translation>
        </message>
        <message>
            <source>Nothing was changed: {reason}</source>
            <translation>何も変更されていません: {reason}</translation>
        </message>
        <message>
            <source>A term the glossary must define (the next run finds it in the documents):</source>
            <translation>用語集で必ず定義する用語（次の実行で文書から探します）:</translation>
        </message>
        <message>
            <source>Your note on “{term}” (kept across re-runs; a language model is told about it). Leave it empty to remove the note:</source>
            <translation>「{term}」についてのメモ（再実行しても保持され、言語モデルにも伝えられます）。空にするとメモを削除します:</translation>
        </message>
        <message>
            <source>“{term}”</source>
            <translation>「{term}」</translation>
        </message>
        <message>
            <source>Category for {terms} (empty: no category of yours):</source>
            <translation>{terms}の分類（空にすると自分の分類を外します）:</translation>
        </message>
        <message>
            <source>Merge Terms</source>
            <translation>用語を統合</translation>
        </message>
        <message>
            <source>One entry for these terms. Its headword (the others become its variants):</source>
            <translation>これらの用語を 1 つの項目にします。見出し語（ほかは別名になります）:</translation>
        </message>
        <message>
            <source>Which variant of “{headword}” gets its own entry again?</source>
            <translation>「{headword}」のどの別名を再び独自の項目にしますか？</translation>
        </message>
    </context>
    <context>
        <name>ViewerTask</name>
        <message>
            <source>Database problem: {error}</source>
            <extracomment>A highlight in a line: ``(start, end, term)``, offsets in the line's text. Lines searched per batch of highlights handed to the GUI thread. At most this many find results are listed. term id -&gt; ``line index, start, line index, start, …`` of its highlights, in order.</extracomment>
            <translation>データベースの問題：{error}</translation>
        </message>
        <message>
            <source>Something went wrong: {error}</source>
            <translation>問題が発生しました：{error}</translation>
        </message>
        <message>
            <source>image</source>
            <extracomment>What an image without a description shows (translated here, on the GUI thread: render has no Qt).</extracomment>
            <translation>画像</translation>
        </message>
    </context>
    <context>
        <name>app</name>
        <message>
            <source>{what}

Start a new, empty database? The damaged file is kept beside it, renamed, so nothing in it is lost.</source>
            <extracomment>How long ``--self-test`` waits for the sample project's glossary. How long a thread may hold the GIL while another waits (Python's default is 5 ms). The heavy pipeline work runs in child processes, but run workers, the monitor and the GUI thread still share one GIL; a short interval lets the GUI thread in quickly (max gap 24 ms instead of 69 ms with three runs, docs/benchmarks.md), at a cost only while threads compete.</extracomment>
            <translation>{what}

新しい空のデータベースを作成しますか? 破損したファイルは名前を変えて同じ場所に残すので、その内容は失われません。</translation>
        </message>
        <message>
            <source>Start a New Database</source>
            <translation>新しいデータベースを作成</translation>
        </message>
        <message>
            <source>Quit</source>
            <translation>終了</translation>
        </message>
        <message>
            <source>Could not start a new database: {error}</source>
            <translation>新しいデータベースを作成できませんでした: {error}</translation>
        </message>
        <message>
            <source>Started a new database. The damaged one is kept as {name}.</source>
            <translation>新しいデータベースを作成しました。破損したデータベースは {name} として残してあります。</translation>
        </message>
    </context>
    <context>
        <name>formatting</name>
        <message>
            <source>{seconds} s</source>
            <translation>{seconds}秒</translation>
        </message>
        <message>
            <source>{minutes} min {seconds} s</source>
            <translation>{minutes}分{seconds}秒</translation>
        </message>
        <message>
            <source>{hours} h {minutes} min</source>
            <translation>{hours}時間{minutes}分</translation>
        </message>
    </context>
    <context>
        <name>labels</name>
        <message>
            <source>pending</source>
            <extracomment>QT_TRANSLATE_NOOP is typed as returning object; each value is its English str.</extracomment>
            <translation>待機中</translation>
        </message>
        <message>
            <source>running</source>
            <translation>実行中</translation>
        </message>
        <message>
            <source>completed</source>
            <translation>完了</translation>
        </message>
        <message>
            <source>failed</source>
            <translation>失敗</translation>
        </message>
        <message>
            <source>cancelled</source>
            <translation>キャンセル済み</translation>
        </message>
        <message>
            <source>failed (interrupted)</source>
            <translation>失敗（中断）</translation>
        </message>
        <message>
            <source>full</source>
            <translation>全体</translation>
        </message>
        <message>
            <source>import</source>
            <translation>取り込み</translation>
        </message>
        <message>
            <source>add</source>
            <translation>追加</translation>
        </message>
        <message>
            <source>extract</source>
            <translation>抽出</translation>
        </message>
        <message>
            <source>generate</source>
            <translation>生成</translation>
        </message>
        <message>
            <source>review</source>
            <translation>レビュー</translation>
        </message>
        <message>
            <source>refine</source>
            <translation>改善</translation>
        </message>
        <message>
            <source>characters</source>
            <translation>文字</translation>
        </message>
        <message>
            <source>files</source>
            <translation>ファイル</translation>
        </message>
        <message>
            <source>terms</source>
            <translation>用語</translation>
        </message>
        <message>
            <source>entries</source>
            <translation>項目</translation>
        </message>
        <message>
            <source>batches</source>
            <translation>バッチ</translation>
        </message>
        <message>
            <source>requests</source>
            <translation>リクエスト</translation>
        </message>
        <message>
            <source>Definition</source>
            <translation>定義</translation>
        </message>
        <message>
            <source>Abbreviation</source>
            <translation>略語</translation>
        </message>
        <message>
            <source>Usage example</source>
            <translation>用例</translation>
        </message>
        <message>
            <source>Written by the model</source>
            <translation>モデルが作成</translation>
        </message>
        <message>
            <source>Your definition</source>
            <translation>あなたの定義</translation>
        </message>
        <message>
            <source>Not found</source>
            <translation>見つかりません</translation>
        </message>
        <message>
            <source>Japanese</source>
            <translation>日本語</translation>
        </message>
        <message>
            <source>English</source>
            <translation>英語</translation>
        </message>
        <message>
            <source>Automatic</source>
            <translation>自動</translation>
        </message>
        <message>
            <source>Markdown</source>
            <translation>Markdown</translation>
        </message>
        <message>
            <source>CSV</source>
            <translation>CSV</translation>
        </message>
        <message>
            <source>JSON</source>
            <translation>JSON</translation>
        </message>
        <message>
            <source>TBX-Basic</source>
            <translation>TBX-Basic</translation>
        </message>
    </context>
</TS>
