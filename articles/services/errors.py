"""Why a page file was refused. ``str(error)`` reads in Chinese and English, for editors and logs."""


class IngestError(Exception):
    message_zh = "无法导入"
    message_en = "cannot ingest this file"

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        message = f"{self.message_zh} / {self.message_en}"
        super().__init__(f"{message}: {detail}" if detail else message)


class EmptyFileError(IngestError):
    message_zh = "文件为空"
    message_en = "the file is empty"


class FileTooLargeError(IngestError):
    message_zh = "文件超过大小上限"
    message_en = "the file is larger than the limit"


class BinaryFileError(IngestError):
    message_zh = "不是文本文件"
    message_en = "not a text file"


class UndecodableError(IngestError):
    message_zh = "无法识别文字编码"
    message_en = "the text encoding could not be recognised"
