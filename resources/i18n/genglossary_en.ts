<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
    <context>
        <name>DocumentsPage</name>
        <message numerus="yes">
            <source>%Ln documents</source>
            <translation>
                <numerusform>%Ln document</numerusform>
                <numerusform>%Ln documents</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %Ln documents</source>
            <translation>
                <numerusform>{shown} of %Ln document</numerusform>
                <numerusform>{shown} of %Ln documents</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{documents} (%Ln could not be imported)</source>
            <translation>
                <numerusform>{documents} (%Ln could not be imported)</numerusform>
                <numerusform>{documents} (%Ln could not be imported)</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>FindBar</name>
        <message numerus="yes">
            <source>%Ln match(es)</source>
            <translation>
                <numerusform>%Ln match</numerusform>
                <numerusform>%Ln matches</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>GlossaryPage</name>
        <message numerus="yes">
            <source>%Ln entries</source>
            <translation>
                <numerusform>%Ln entry</numerusform>
                <numerusform>%Ln entries</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %Ln entries</source>
            <translation>
                <numerusform>{shown} of %Ln entry</numerusform>
                <numerusform>{shown} of %Ln entries</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{entries}, %Ln edited</source>
            <translation>
                <numerusform>{entries}, %Ln edited</numerusform>
                <numerusform>{entries}, %Ln edited</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>(%Ln shown)</source>
            <translation>
                <numerusform>(%Ln shown)</numerusform>
                <numerusform>(%Ln shown)</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>IssuesPage</name>
        <message numerus="yes">
            <source>%Ln issues</source>
            <translation>
                <numerusform>%Ln issue</numerusform>
                <numerusform>%Ln issues</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %Ln issues</source>
            <translation>
                <numerusform>{shown} of %Ln issue</numerusform>
                <numerusform>{shown} of %Ln issues</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>MainWindow</name>
        <message numerus="yes">
            <source>The sample project's glossary is ready: %n entries.</source>
            <translation>
                <numerusform>The sample project's glossary is ready: %n entry.</numerusform>
                <numerusform>The sample project's glossary is ready: %n entries.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Exported %n entries to {path}</source>
            <translation>
                <numerusform>Exported %n entry to {path}</numerusform>
                <numerusform>Exported %n entries to {path}</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n active run(s)</source>
            <translation>
                <numerusform>%n active run</numerusform>
                <numerusform>%n active runs</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%n run(s) still active or waiting to start. Cancel and quit? Finished results are kept.</source>
            <translation>
                <numerusform>%n run still active or waiting to start. Cancel and quit? Finished results are kept.</numerusform>
                <numerusform>%n runs still active or waiting to start. Cancel and quit? Finished results are kept.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>ProjectActions</name>
        <message numerus="yes">
            <source>%Ln document(s)</source>
            <translation>
                <numerusform>%Ln document</numerusform>
                <numerusform>%Ln documents</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>%Ln run(s)</source>
            <translation>
                <numerusform>%Ln run</numerusform>
                <numerusform>%Ln runs</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Removed “{source}” and its %Ln document(s).</source>
            <translation>
                <numerusform>Removed “{source}” and its %Ln document.</numerusform>
                <numerusform>Removed “{source}” and its %Ln documents.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>RunsPage</name>
        <message numerus="yes">
            <source>… only the last %Ln lines are shown here; `genglossary log {run}` prints the whole log.</source>
            <translation>
                <numerusform>… only the last %Ln line is shown here; `genglossary log {run}` prints the whole log.</numerusform>
                <numerusform>… only the last %Ln lines are shown here; `genglossary log {run}` prints the whole log.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>SettingsPage</name>
        <message numerus="yes">
            <source>%Ln models on the server.</source>
            <translation>
                <numerusform>%Ln model on the server.</numerusform>
                <numerusform>%Ln models on the server.</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>Connected to {url}: %Ln models.</source>
            <translation>
                <numerusform>Connected to {url}: %Ln model.</numerusform>
                <numerusform>Connected to {url}: %Ln models.</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>TablePage</name>
        <message numerus="yes">
            <source>%Ln rows</source>
            <translation>
                <numerusform>%Ln row</numerusform>
                <numerusform>%Ln rows</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %Ln rows</source>
            <translation>
                <numerusform>{shown} of %Ln row</numerusform>
                <numerusform>{shown} of %Ln rows</numerusform>
            </translation>
        </message>
    </context>
    <context>
        <name>TermsPage</name>
        <message numerus="yes">
            <source>%Ln terms</source>
            <translation>
                <numerusform>%Ln term</numerusform>
                <numerusform>%Ln terms</numerusform>
            </translation>
        </message>
        <message numerus="yes">
            <source>{shown} of %Ln terms</source>
            <translation>
                <numerusform>{shown} of %Ln term</numerusform>
                <numerusform>{shown} of %Ln terms</numerusform>
            </translation>
        </message>
    </context>
</TS>
