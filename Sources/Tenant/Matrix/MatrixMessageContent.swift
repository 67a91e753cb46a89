import Foundation

/// Turns the neutral outgoing model into Matrix event contents: plain or HTML text
/// (`org.matrix.custom.html` with a plain `body`), buttons as numbered lines, replies and
/// edits, and parts of at most ``largestText`` bytes of `body` plus `formatted_body`.
enum MatrixMessageContent {
    /// The most bytes of `body` plus `formatted_body` in one event, leaving room for the rest of
    /// the event under Matrix's 65,536-byte limit.
    static let largestText = 60_000

    /// The contents of `message`, one per part in order (the reply on the first, the buttons on
    /// the last), with `messageType` (`m.notice` or `m.text`).
    static func parts(of message: OutgoingMessage, messageType: String, replyTo: String?) -> [[String: Any]] {
        let (plain, html) = texts(message.text, parseMode: message.parseMode, buttons: message.buttons)
        var contents: [[String: Any]] = []
        if let html, plain.utf8.count + html.utf8.count <= largestText {
            contents.append(text(plain, html: html, messageType: messageType))
        } else {
            contents = pieces(of: plain, largest: largestText).map { text($0, html: nil, messageType: messageType) }
        }
        if let photo = message.photo, photo.hasPrefix("mxc://") {
            contents.insert(["msgtype": "m.image", "body": "photo", "url": photo], at: 0)
        }
        if let replyTo, !contents.isEmpty {
            contents[0]["m.relates_to"] = ["m.in_reply_to": ["event_id": replyTo]]
        }
        return contents
    }

    /// The content replacing event `original` with `edit`'s text (`m.replace`).
    static func replacement(of original: String, with edit: MessageEdit, messageType: String) -> [String: Any] {
        let (plain, html) = texts(edit.text, parseMode: edit.parseMode, buttons: edit.buttons)
        let fits = html.map { plain.utf8.count + $0.utf8.count <= largestText / 2 } ?? true
        let new = text(
            String(pieces(of: plain, largest: largestText / 2).first ?? ""),
            html: fits ? html : nil,
            messageType: messageType
        )
        var content = new
        content["body"] = "* " + (new["body"] as? String ?? "")
        if let formatted = new["formatted_body"] as? String { content["formatted_body"] = "* " + formatted }
        content["m.new_content"] = new
        content["m.relates_to"] = ["rel_type": "m.replace", "event_id": original]
        return content
    }

    /// The buttons a press can answer: the callback buttons, numbered in reading order.
    static func numbered(_ buttons: [[InlineButton]]) -> [MatrixButton] {
        buttons.joined().compactMap { button in
            guard case .callback(let data) = button.action else { return nil }
            return MatrixButton(label: button.text, data: data)
        }
    }

    /// The plain text and, for HTML, the HTML of a text with its buttons as numbered lines.
    static func texts(_ text: String, parseMode: ParseMode?, buttons: [[InlineButton]]) -> (String, String?) {
        var plain = parseMode == .html ? plainText(ofHTML: text) : unescaped(text, parseMode: parseMode)
        var html = parseMode == .html ? text.replacingOccurrences(of: "\n", with: "<br>") : nil
        var number = 0
        var lines: [String] = []
        for button in buttons.joined() {
            switch button.action {
            case .callback:
                number += 1
                lines.append("\(number). \(button.text)")
            case .url(let url):
                lines.append("\(button.text): \(url)")
            }
        }
        if !lines.isEmpty {
            plain += "\n\n" + lines.joined(separator: "\n")
            html = html.map { $0 + "<br><br>" + lines.map(escaped).joined(separator: "<br>") }
        }
        return (plain, html)
    }

    /// MarkdownV2's escapes taken out; other texts as they are.
    private static func unescaped(_ text: String, parseMode: ParseMode?) -> String {
        guard parseMode == .markdownV2 else { return text }
        var result = ""
        var escaping = false
        for character in text {
            if character == "\\" && !escaping {
                escaping = true
                continue
            }
            escaping = false
            result.append(character)
        }
        return result
    }

    /// The text of an HTML fragment: tags dropped, `<br>` as a line break, the five entities read.
    static func plainText(ofHTML html: String) -> String {
        var result = ""
        var inTag = false
        var tag = ""
        for character in html {
            if inTag {
                if character == ">" {
                    inTag = false
                    if tag.lowercased().hasPrefix("br") { result.append("\n") }
                    tag = ""
                } else {
                    tag.append(character)
                }
            } else if character == "<" {
                inTag = true
            } else {
                result.append(character)
            }
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            result = result.replacingOccurrences(of: entity, with: character)
        }
        return result
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func text(_ body: String, html: String?, messageType: String) -> [String: Any] {
        var content: [String: Any] = ["msgtype": messageType, "body": body]
        if let html {
            content["format"] = "org.matrix.custom.html"
            content["formatted_body"] = html
        }
        return content
    }

    /// `text` cut into pieces of at most `largest` UTF-8 bytes, at the last line break of a
    /// piece when there is one, else between characters. An empty text is one empty piece.
    static func pieces(of text: String, largest: Int) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while rest.utf8.count > largest {
            var bytes = 0
            var end = rest.startIndex
            var lastBreak: Substring.Index?
            while end < rest.endIndex {
                let size = rest[end].utf8.count
                if bytes + size > largest { break }
                bytes += size
                if rest[end] == "\n" { lastBreak = rest.index(after: end) }
                end = rest.index(after: end)
            }
            if end == rest.startIndex { end = rest.index(after: end) }
            let cut = lastBreak ?? end
            pieces.append(String(rest[..<cut]))
            rest = rest[cut...]
        }
        pieces.append(String(rest))
        return pieces
    }
}
