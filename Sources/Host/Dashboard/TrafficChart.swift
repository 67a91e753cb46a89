import Foundation
import Storage

/// A bar chart of traffic per period, as SVG coordinates: each period has a bar of updates
/// received and one of messages sent, scaled to the busiest period.
struct TrafficChart {
    struct Bar {
        var x: String
        var sentX: String
        var receivedY: String
        var receivedHeight: String
        var sentY: String
        var sentHeight: String
        var barWidth: String
        var label: String
    }

    /// The drawing's size in SVG units; the page scales it to fit.
    static let width = 600
    static let height = 120
    let width = Self.width
    let height = Self.height
    var bars: [Bar]
    var peak: Int
    /// The chart in words, for screen readers.
    var summary: String

    /// The chart of `samples`, oldest first.
    init(_ samples: [TrafficSample]) {
        let peak = max(1, samples.map { max($0.received, $0.sent) }.max() ?? 0)
        let height = Self.height
        let slot = Double(Self.width) / Double(max(1, samples.count))
        let barWidth = max(1, slot / 2 - 1)
        let usable = Double(height - 4)
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm"
        formatter.timeZone = TimeZone(identifier: "UTC")
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        bars = samples.enumerated().map { index, sample in
            let receivedHeight = usable * Double(sample.received) / Double(peak)
            let sentHeight = usable * Double(sample.sent) / Double(peak)
            let x = Double(index) * slot + 0.5
            return Bar(
                x: number(x), sentX: number(x + barWidth), receivedY: number(Double(height) - receivedHeight),
                receivedHeight: number(receivedHeight), sentY: number(Double(height) - sentHeight),
                sentHeight: number(sentHeight), barWidth: number(barWidth),
                label: "\(formatter.string(from: sample.start)) UTC: \(sample.received) received, \(sample.sent) sent")
        }
        self.peak = samples.map { max($0.received, $0.sent) }.max() ?? 0
        let received = samples.reduce(0) { $0 + $1.received }
        let sent = samples.reduce(0) { $0 + $1.sent }
        summary = "\(received) updates received and \(sent) messages sent in the last \(samples.count) minutes; the busiest minute had \(self.peak)."
    }
}
