import Foundation
import Yams

extension NodeDecoder {
    /// The scalar's text after `${…}` expansion.
    ///
    /// - Throws: When the node is not a scalar, is null, or names an unset variable.
    func scalarText(expected: String) throws -> String {
        guard case .scalar(let scalar) = node, !node.isNull else { throw mismatch(expected) }
        do {
            return try context.interpolation.expand(scalar.string)
        } catch {
            throw self.error(error.message)
        }
    }

    /// Decodes the scalar types directly; `nil` for any other type.
    func decodeScalar<T: Decodable>(_ type: T.Type) throws -> T? {
        switch type {
        case is String.Type:
            return try scalarText(expected: "text") as? T
        case is Bool.Type:
            return try boolean() as? T
        case is Double.Type:
            return try floatingPoint(Double.self) as? T
        case is Float.Type:
            return try floatingPoint(Float.self) as? T
        case is URL.Type:
            let text = try scalarText(expected: "a URL")
            guard let url = URL(string: text) else { throw error("'\(text)' is not a URL") }
            return url as? T
        case let integerType as any FixedWidthInteger.Type:
            return try integer(integerType) as? T
        default:
            return nil
        }
    }

    private func boolean() throws -> Bool {
        switch try scalarText(expected: "true or false").lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: throw mismatch("true or false")
        }
    }

    private func integer<I: FixedWidthInteger>(_ type: I.Type) throws -> I {
        let text = try scalarText(expected: "an integer")
        let digits = text.replacingOccurrences(of: "_", with: "")
        if let value = I(digits) { return value }
        guard !digits.isEmpty, digits.drop(while: { $0 == "-" || $0 == "+" }).allSatisfy(\.isWholeNumber) else {
            throw error("expected an integer, found '\(text)'")
        }
        throw error("\(text) is out of range; use \(I.min) to \(I.max)")
    }

    private func floatingPoint<F: LosslessStringConvertible>(_ type: F.Type) throws -> F {
        let text = try scalarText(expected: "a number")
        guard let value = F(text.replacingOccurrences(of: "_", with: "")) else {
            throw error("expected a number, found '\(text)'")
        }
        return value
    }
}
