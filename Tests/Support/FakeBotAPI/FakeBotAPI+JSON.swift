import Foundation
import Synchronization
import NIOFoundationCompat
import Hummingbird
import NIOCore

extension FakeBotAPI {
    static func ok(_ result: Any) -> Response {
        json(200, ["ok": true, "result": result])
    }

    static func error(_ code: Int, _ description: String, parameters: [String: Int64] = [:]) -> Response {
        var body: [String: Any] = ["ok": false, "error_code": code, "description": description]
        if !parameters.isEmpty { body["parameters"] = parameters }
        return json(code, body)
    }

    static func updatesResponse(_ pending: ArraySlice<(id: Int64, type: String, json: Data)>) -> Response {
        // Splice the stored JSON in as is, so the bot sees exactly what was queued.
        var body = Data(#"{"ok":true,"result":["#.utf8)
        for (index, update) in pending.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(update.json)
        }
        body.append(contentsOf: Array("]}".utf8))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: body)))
    }

    static func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static func int(_ value: Any?) -> Int? {
        if let number = value as? NSNumber { return number.intValue }
        if let text = value as? String { return Int(text) }
        return nil
    }

    static func int64(_ value: Any?) -> Int64? {
        if let number = value as? NSNumber { return number.int64Value }
        if let text = value as? String { return Int64(text) }
        return nil
    }

    static func bool(_ value: Any?) -> Bool {
        if let number = value as? NSNumber { return number.boolValue }
        return (value as? String) == "true"
    }

    static func stringList(_ value: Any?) -> [String]? {
        if let list = value as? [String] { return list }
        if let text = value as? String, let data = text.data(using: .utf8) {
            return try? JSONSerialization.jsonObject(with: data) as? [String]
        }
        return nil
    }

    static func jsonText(_ value: Any) -> String {
        if let text = value as? String { return text }
        if JSONSerialization.isValidJSONObject(value), let data = try? JSONSerialization.data(withJSONObject: value) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }

    static func buttons(_ markup: Any?) -> [[SentMessage.Button]] {
        var object = markup as? [String: Any]
        if object == nil, let text = markup as? String, let data = text.data(using: .utf8) {
            object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
        guard let rows = object?["inline_keyboard"] as? [[[String: Any]]] else { return [] }
        return rows.map { row in
            row.map { button in
                SentMessage.Button(
                    text: button["text"] as? String ?? "", callbackData: button["callback_data"] as? String,
                    url: button["url"] as? String)
            }
        }
    }
}
