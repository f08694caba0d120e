import Foundation
import Testing

@testable import Gateway

struct HTTPDatesTests {
    @Test func writesTheIMFFixdateOfRFC9110() {
        #expect(HTTPDates.format(Date(timeIntervalSince1970: 1_796_062_846)) == "Mon, 30 Nov 2026 18:20:46 GMT")
        // Single digits are padded; fractions of a second are dropped.
        #expect(HTTPDates.format(Date(timeIntervalSince1970: 1_772_341_443.9)) == "Sun, 01 Mar 2026 05:04:03 GMT")
        #expect(HTTPDates.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test func agreesWithFoundationsFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var seconds = 0.0
        for _ in 0..<500 {
            seconds += 7_654_321.0  // about 89 days: every weekday and month comes round
            let date = Date(timeIntervalSince1970: seconds)
            #expect(HTTPDates.format(date) == formatter.string(from: date))
        }
    }
}
