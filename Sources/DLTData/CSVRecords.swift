/// One CSV row: its fields and the 1-based line it starts on (for error messages).
struct CSVRecord {
    var line: Int
    var fields: [String]
}

/// Splits CSV bytes into records (RFC 4180: quoted fields may hold commas, newlines and `""`).
/// Blank lines are skipped; a UTF-8 byte-order mark is ignored; `\r\n` and `\n` both end rows.
enum CSVRecords {
    static func parse(_ bytes: [UInt8], name: String, delimiter: UInt8 = UInt8(ascii: ",")) throws -> [CSVRecord] {
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var inQuotes = false
        var fieldWasQuoted = false

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            // A line with nothing on it is not a record.
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(CSVRecord(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
        }

        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == quote {
                    if index + 1 < bytes.count && bytes[index + 1] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == newline { line += 1 }
                    field.append(byte)
                }
            } else if byte == quote && field.isEmpty && !fieldWasQuoted {
                inQuotes = true
                fieldWasQuoted = true
            } else if byte == delimiter {
                endField()
            } else if byte == newline {
                endRecord()
                line += 1
                recordLine = line
            } else if byte == cr && index + 1 < bytes.count && bytes[index + 1] == newline {
                // The newline that follows ends the record.
            } else {
                field.append(byte)
            }
            index += 1
        }
        if inQuotes {
            throw DataError(file: name, message: "line \(recordLine): quoted field is never closed")
        }
        if !field.isEmpty || !fields.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }
}
