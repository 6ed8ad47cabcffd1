// SPDX-License-Identifier: MIT
/// Records to replay, from a delivery log (JSONL version 1 or 2, streamed) or a HAR 1.2 file (as
/// browsers and tunnel inspectors export them), told apart by their first key.
#pragma once

#include "core/error.hpp"
#include "core/log/reader.hpp"
#include "core/log/record.hpp"

#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hooks::log {

/// The requests of a HAR 1.2 document (`log.entries[].request`) as records, in file order:
/// seq counts from 1, received_at is the entry's startedDateTime, the target is the URL's path
/// and query, HTTP/2 pseudo-headers (":authority") are dropped, the body is
/// `postData.text` (base64-decoded when `postData.encoding` is "base64"), response_status is
/// the recorded response's status when it is a real one. Fails (input error) with one line
/// naming the entry and field: "entries[3].request.url: expected a string".
Result<std::vector<Record>> parse_har(std::string_view text);

/// Which format a source turned out to be.
enum class SourceFormat { jsonl, har };

/// Reads records one at a time from either format. A JSONL log streams in constant memory; a
/// HAR file is one JSON document and is read whole.
class Source {
  public:
    /// Looks at the first key of `input` (which must outlive the source): "log" means HAR,
    /// anything else a JSONL log. `name` is the file name (or "-") used in messages. Fails
    /// (input error) when the input is HAR and does not parse.
    static Result<std::unique_ptr<Source>> open(std::istream& input, std::string name);

    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;
    ~Source();

    SourceFormat format() const { return m_format; }

    /// The next record, nothing at the end; as Reader::next() for JSONL.
    Result<std::optional<Record>> next();

    /// Reader::warning() for JSONL (a torn last line), else empty.
    const std::string& warning() const;

    /// Reader::line_number() for JSONL: the line last read, the one at fault after next()
    /// failed on it. 0 for HAR.
    std::uint64_t line_number() const;

  private:
    Source() = default;
    struct PrefixedBuffer;
    SourceFormat m_format = SourceFormat::jsonl;
    std::unique_ptr<PrefixedBuffer> m_buffer;
    std::unique_ptr<std::istream> m_stream;
    std::unique_ptr<Reader> m_reader;
    std::vector<Record> m_har;
    std::size_t m_har_next = 0;
    std::string m_no_warning;
};

} // namespace hooks::log
