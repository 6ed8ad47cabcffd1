// SPDX-License-Identifier: MIT
#include "core/log/record.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/text/text.hpp"

#include <array>
#include <cstring>

// to_json_line is on the hot path of `listen` (one call per delivery), so the line is built by
// hand into one reserved string instead of through a JSON DOM; parsing (record_parse.cpp) uses
// nlohmann/json, whose strict lexer also checks the UTF-8 we rely on here.

namespace hooks::log {
namespace {

using std::chrono::system_clock;

// A text field: a JSON string when the bytes are valid UTF-8, else {"b64": "..."}.
void append_text(std::string& out, std::string_view text) {
    if (text::append_json_string(out, text)) {
        return;
    }
    out += R"({"b64":")";
    crypto::append_base64(out, text);
    out += "\"}";
}

// Appends `value` as exactly `width` decimal digits (value < 10^width).
void append_digits(std::string& out, long long value, int width) {
    std::array<char, 8> digits{};
    for (int i = width - 1; i >= 0; --i) {
        digits[static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
    out.append(digits.data(), static_cast<size_t>(width));
}

size_t estimated_size(const Record& record) {
    size_t size = 320 + record.message.target.size() + record.remote.size();
    for (const auto* fields : {&record.message.headers, &record.message.trailers}) {
        for (const message::Header& header : *fields) {
            size += 8 + header.name.size() + header.value.size() + header.value.size() / 8;
        }
    }
    // The body once: as base64 (4/3), or as body_text (the body, more where JSON escapes it).
    return size + record.message.body.size() * 3 / 2;
}

// `,"NAME":[[name, value], ...]`.
void append_fields(std::string& out, std::string_view name,
                   const std::vector<message::Header>& headers) {
    out += ",\"";
    out += name;
    out += "\":[";
    for (size_t i = 0; i < headers.size(); ++i) {
        out += i == 0 ? "[" : ",[";
        append_text(out, headers[i].name);
        out += ',';
        append_text(out, headers[i].value);
        out += ']';
    }
    out += ']';
}

// The body exactly once (version 2): as body_text when it is valid UTF-8, which JSON holds
// exactly (NUL and control bytes escaped), else as body_b64.
void append_body(std::string& out, std::string_view body) {
    constexpr std::string_view k_text_field = R"(,"body_text":)";
    out += k_text_field;
    if (!text::append_json_string(out, body)) {
        out.resize(out.size() - k_text_field.size());
        out += R"(,"body_b64":")";
        crypto::append_base64(out, body);
        out += '"';
    }
    out += R"(,"body_len":)";
    text::append_number(out, body.size());
    out += R"(,"body_sha256":")";
    crypto::append_hex(out, crypto::digest(crypto::DigestAlgorithm::sha256, body));
    out += '"';
}

} // namespace

void append_rfc3339(std::string& out, system_clock::time_point time) {
    using namespace std::chrono;
    auto millis = floor<milliseconds>(time);
    auto day = floor<days>(millis);
    year_month_day date(day);
    hh_mm_ss clock(millis - day);
    // system_clock's range (about 1678 to 2262 with nanoseconds) keeps the year to 4 digits.
    append_digits(out, int(date.year()), 4);
    out += '-';
    append_digits(out, unsigned(date.month()), 2);
    out += '-';
    append_digits(out, unsigned(date.day()), 2);
    out += 'T';
    append_digits(out, clock.hours().count(), 2);
    out += ':';
    append_digits(out, clock.minutes().count(), 2);
    out += ':';
    append_digits(out, clock.seconds().count(), 2);
    out += '.';
    append_digits(out, clock.subseconds().count(), 3);
    out += 'Z';
}

bool operator==(const Record& a, const Record& b) {
    return a.seq == b.seq && a.id == b.id && a.received_at == b.received_at &&
           a.remote == b.remote && a.message.method == b.message.method &&
           a.message.target == b.message.target && a.message.headers == b.message.headers &&
           a.message.trailers == b.message.trailers && a.message.body == b.message.body &&
           a.verify == b.verify && a.response_status == b.response_status;
}

std::string to_json_line(const Record& record) {
    std::string out;
    append_json_line(record, out);
    return out;
}

void append_json_line(const Record& record, std::string& out) {
    out.reserve(out.size() + estimated_size(record));
    out += R"({"v":2,"seq":)";
    text::append_number(out, record.seq);
    out += R"(,"id":)";
    if (record.id) {
        append_text(out, *record.id);
    } else {
        out += "null";
    }
    out += R"(,"received_at":")";
    append_rfc3339(out, record.received_at);
    out += R"(","remote":)";
    append_text(out, record.remote);
    out += R"(,"method":)";
    append_text(out, record.message.method);
    out += R"(,"target":)";
    append_text(out, record.message.target);
    append_fields(out, "headers", record.message.headers);
    if (!record.message.trailers.empty()) {
        append_fields(out, "trailers", record.message.trailers);
    }
    append_body(out, record.message.body);
    if (record.verify) {
        out += R"(,"verify":{"provider":)";
        append_text(out, record.verify->provider);
        out += record.verify->ok ? R"(,"ok":true,"reason":)" : R"(,"ok":false,"reason":)";
        append_text(out, record.verify->reason);
        out += '}';
    }
    if (record.response_status) {
        out += R"(,"response":{"status":)";
        text::append_number(out, *record.response_status);
        out += '}';
    }
    out += "}\n";
}

std::string format_rfc3339(system_clock::time_point time) {
    std::string out;
    out.reserve(24);
    append_rfc3339(out, time);
    return out;
}

} // namespace hooks::log
