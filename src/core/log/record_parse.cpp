// SPDX-License-Identifier: MIT
// parse_json_line and parse_rfc3339, declared in record.hpp: the reading half of the log format.
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/log/record.hpp"

#include <limits>
#include <nlohmann/json.hpp>

namespace hooks::log {
namespace {

using nlohmann::json;
using std::chrono::system_clock;

tl::unexpected<Error> field_error(std::string_view field, std::string_view problem) {
    return fail(ErrorKind::input, std::string(field) + ": " + std::string(problem));
}

// The value of a field, or null when the object lacks it.
const json* find_field(const json& object, const char* name) {
    auto found = object.find(name);
    return found == object.end() ? nullptr : &*found;
}

// A text field: a JSON string, or {"b64": "..."} for bytes that are not valid UTF-8.
Result<std::string> read_text(const json& value, std::string_view field) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    const json* encoded = value.is_object() ? find_field(value, "b64") : nullptr;
    if (encoded == nullptr || !encoded->is_string()) {
        return field_error(field, R"(expected a string or {"b64": STRING})");
    }
    auto bytes = crypto::base64_decode(encoded->get_ref<const std::string&>());
    if (!bytes) {
        return field_error(field, bytes.error().message);
    }
    return bytes;
}

Result<std::string> read_required_text(const json& object, const char* field) {
    const json* value = find_field(object, field);
    if (value == nullptr) {
        return field_error(field, "missing");
    }
    return read_text(*value, field);
}

Result<std::vector<message::Header>> read_headers(const json& object) {
    const json* headers = find_field(object, "headers");
    if (headers == nullptr) {
        return field_error("headers", "missing");
    }
    if (!headers->is_array()) {
        return field_error("headers", "expected an array of [name, value]");
    }
    std::vector<message::Header> out;
    out.reserve(headers->size());
    for (size_t i = 0; i < headers->size(); ++i) {
        const json& pair = (*headers)[i];
        std::string field = "headers[" + std::to_string(i) + "]";
        if (!pair.is_array() || pair.size() != 2) {
            return field_error(field, "expected [name, value]");
        }
        auto name = read_text(pair[0], field + "[0]");
        if (!name) {
            return tl::unexpected(name.error());
        }
        auto value = read_text(pair[1], field + "[1]");
        if (!value) {
            return tl::unexpected(value.error());
        }
        out.push_back({std::move(*name), std::move(*value)});
    }
    return out;
}

// Decodes body_b64 and checks it against body_len, body_sha256 and body_text when present.
Result<std::string> read_body(const json& object) {
    const json* encoded = find_field(object, "body_b64");
    if (encoded == nullptr || !encoded->is_string()) {
        return field_error("body_b64", encoded == nullptr ? "missing" : "expected a string");
    }
    auto body = crypto::base64_decode(encoded->get_ref<const std::string&>());
    if (!body) {
        return field_error("body_b64", body.error().message);
    }
    if (const json* length = find_field(object, "body_len")) {
        if (!length->is_number_unsigned()) {
            return field_error("body_len", "expected a non-negative integer");
        }
        if (length->get<std::uint64_t>() != body->size()) {
            return fail(ErrorKind::input, "body_len does not match the body (" +
                                              std::to_string(body->size()) + " bytes)");
        }
    }
    if (const json* sha = find_field(object, "body_sha256")) {
        auto expected = sha->is_string() ? crypto::hex_decode(sha->get_ref<const std::string&>())
                                         : fail(ErrorKind::input, "not a string");
        if (!expected || expected->size() != 32) {
            return field_error("body_sha256", "expected 64 hex digits");
        }
        if (*expected != crypto::digest(crypto::DigestAlgorithm::sha256, *body)) {
            return fail(ErrorKind::input, "body_sha256 does not match the body");
        }
    }
    if (const json* text = find_field(object, "body_text")) {
        if (!text->is_string() || text->get_ref<const std::string&>() != *body) {
            return fail(ErrorKind::input, "body_text does not match the body");
        }
    }
    return body;
}

Result<std::optional<VerifyOutcome>> read_verify(const json& object) {
    const json* verify = find_field(object, "verify");
    if (verify == nullptr || verify->is_null()) {
        return std::optional<VerifyOutcome>();
    }
    if (!verify->is_object()) {
        return field_error("verify", "expected an object {provider, ok, reason}");
    }
    VerifyOutcome outcome;
    auto provider = read_required_text(*verify, "provider");
    if (!provider) {
        return fail(ErrorKind::input, "verify." + provider.error().message);
    }
    outcome.provider = std::move(*provider);
    const json* ok = find_field(*verify, "ok");
    if (ok == nullptr || !ok->is_boolean()) {
        return field_error("verify.ok", "expected true or false");
    }
    outcome.ok = ok->get<bool>();
    if (const json* reason = find_field(*verify, "reason")) {
        auto text = read_text(*reason, "verify.reason");
        if (!text) {
            return tl::unexpected(text.error());
        }
        outcome.reason = std::move(*text);
    }
    return outcome;
}

// An integer JSON number that fits `Integer`.
template <typename Integer> std::optional<Integer> as_integer(const json& value) {
    using Limits = std::numeric_limits<Integer>;
    if (value.is_number_unsigned()) {
        auto number = value.get<std::uint64_t>();
        if (number <= static_cast<std::uint64_t>(Limits::max())) {
            return static_cast<Integer>(number);
        }
    } else if (value.is_number_integer()) {
        auto number = value.get<std::int64_t>();
        if (number >= static_cast<std::int64_t>(Limits::min()) &&
            (number < 0 ||
             static_cast<std::uint64_t>(number) <= static_cast<std::uint64_t>(Limits::max()))) {
            return static_cast<Integer>(number);
        }
    }
    return std::nullopt;
}

Result<std::optional<int>> read_response(const json& object) {
    const json* response = find_field(object, "response");
    if (response == nullptr || response->is_null()) {
        return std::optional<int>();
    }
    if (!response->is_object()) {
        return field_error("response", "expected an object {status}");
    }
    const json* status = find_field(*response, "status");
    std::optional<int> number = status == nullptr ? std::nullopt : as_integer<int>(*status);
    if (!number) {
        return field_error("response.status", "expected an integer");
    }
    return number;
}

Result<std::optional<std::string>> read_id(const json& object) {
    const json* id = find_field(object, "id");
    if (id == nullptr || id->is_null()) {
        return std::optional<std::string>();
    }
    auto text = read_text(*id, "id");
    if (!text) {
        return tl::unexpected(text.error());
    }
    return std::optional<std::string>(std::move(*text));
}

// The fields before the message: v, seq, id, received_at, remote.
Result<void> read_envelope(const json& object, Record& record) {
    const json* version = find_field(object, "v");
    if (version == nullptr) {
        return field_error("v", "missing");
    }
    if (as_integer<std::uint64_t>(*version) != std::uint64_t{1}) {
        return field_error("v", "expected 1, the only version this hooks reads");
    }
    const json* seq = find_field(object, "seq");
    if (seq == nullptr) {
        return field_error("seq", "missing");
    }
    std::optional<std::uint64_t> number = as_integer<std::uint64_t>(*seq);
    if (!number) {
        return field_error("seq", "expected a non-negative integer");
    }
    record.seq = *number;
    auto id = read_id(object);
    if (!id) {
        return tl::unexpected(id.error());
    }
    record.id = std::move(*id);
    const json* received_at = find_field(object, "received_at");
    if (received_at == nullptr || !received_at->is_string()) {
        return field_error("received_at", received_at == nullptr ? "missing" : "expected a string");
    }
    auto time = parse_rfc3339(received_at->get_ref<const std::string&>());
    if (!time) {
        return field_error("received_at", time.error().message);
    }
    record.received_at = *time;
    if (const json* remote = find_field(object, "remote"); remote && !remote->is_null()) {
        auto text = read_text(*remote, "remote");
        if (!text) {
            return tl::unexpected(text.error());
        }
        record.remote = std::move(*text);
    }
    return {};
}

Result<void> read_message(const json& object, message::Message& message) {
    auto method = read_required_text(object, "method");
    if (!method) {
        return tl::unexpected(method.error());
    }
    auto target = read_required_text(object, "target");
    if (!target) {
        return tl::unexpected(target.error());
    }
    auto headers = read_headers(object);
    if (!headers) {
        return tl::unexpected(headers.error());
    }
    auto body = read_body(object);
    if (!body) {
        return tl::unexpected(body.error());
    }
    message.method = std::move(*method);
    message.target = std::move(*target);
    message.headers = std::move(*headers);
    message.body = std::move(*body);
    return {};
}

// Reads RFC 3339 a piece at a time.
struct Cursor {
    std::string_view text;
    size_t pos = 0;

    bool at_end() const { return pos == text.size(); }

    // Consumes one of `choices` if it comes next.
    bool skip(std::string_view choices) {
        if (pos < text.size() && choices.find(text[pos]) != std::string_view::npos) {
            ++pos;
            return true;
        }
        return false;
    }

    // Consumes exactly `count` digits into `value`.
    bool digits(size_t count, int& value) {
        value = 0;
        for (size_t i = 0; i < count; ++i, ++pos) {
            if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') {
                return false;
            }
            value = value * 10 + (text[pos] - '0');
        }
        return true;
    }

    // Consumes a fraction's digits (at least one) and returns the first three as milliseconds.
    bool fraction_millis(int& millis) {
        millis = 0;
        size_t first = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (pos - first < 3) {
                millis = millis * 10 + (text[pos] - '0');
            }
            ++pos;
        }
        for (size_t count = pos - first; count < 3; ++count) {
            millis *= 10;
        }
        return pos > first;
    }
};

// The offset east of UTC in minutes, from 'Z' or "+HH:MM" / "-HH:MM".
std::optional<int> read_offset_minutes(Cursor& cursor) {
    if (cursor.skip("Zz")) {
        return 0;
    }
    bool is_negative = cursor.pos < cursor.text.size() && cursor.text[cursor.pos] == '-';
    int hours = 0;
    int minutes = 0;
    if (!cursor.skip("+-") || !cursor.digits(2, hours) || !cursor.skip(":") ||
        !cursor.digits(2, minutes) || hours > 23 || minutes > 59) {
        return std::nullopt;
    }
    return (is_negative ? -1 : 1) * (hours * 60 + minutes);
}

} // namespace

Result<system_clock::time_point> parse_rfc3339(std::string_view text) {
    using namespace std::chrono;
    Cursor cursor{text};
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    int millis = 0;
    bool is_well_formed = cursor.digits(4, year) && cursor.skip("-") && cursor.digits(2, month) &&
                          cursor.skip("-") && cursor.digits(2, day) && cursor.skip("Tt") &&
                          cursor.digits(2, hour) && cursor.skip(":") && cursor.digits(2, minute) &&
                          cursor.skip(":") && cursor.digits(2, second) &&
                          (!cursor.skip(".") || cursor.fraction_millis(millis));
    std::optional<int> offset = is_well_formed ? read_offset_minutes(cursor) : std::nullopt;
    year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                        std::chrono::day(static_cast<unsigned>(day))};
    // second 60 is a leap second; it counts on into the next minute.
    if (!offset || !cursor.at_end() || !date.ok() || hour > 23 || minute > 59 || second > 60) {
        return fail(ErrorKind::input, "expected an RFC 3339 time such as 2026-11-23T13:20:00.123Z");
    }
    milliseconds since_epoch = sys_days(date).time_since_epoch() + hours(hour) +
                               minutes(minute - *offset) + seconds(second) + milliseconds(millis);
    // system_clock counts nanoseconds in 64 bits: about 292 years either side of 1970.
    auto limit = duration_cast<milliseconds>(system_clock::duration::max());
    if (since_epoch > limit || since_epoch < -limit) {
        return fail(ErrorKind::input, "time is outside the range this system can hold");
    }
    return system_clock::time_point(duration_cast<system_clock::duration>(since_epoch));
}

Result<Record> parse_json_line(std::string_view line) {
    json object;
    try {
        object = json::parse(line);
    } catch (const json::parse_error& error) {
        return fail(ErrorKind::input,
                    "not valid JSON (error at byte " + std::to_string(error.byte) + ")");
    } catch (const json::out_of_range&) {
        // nlohmann throws this, not a parse_error, for a number beyond a double: 1e400.
        return fail(ErrorKind::input, "not valid JSON (a number is out of range)");
    }
    if (!object.is_object()) {
        return fail(ErrorKind::input, "expected a JSON object");
    }
    Record record;
    if (auto envelope = read_envelope(object, record); !envelope) {
        return tl::unexpected(envelope.error());
    }
    if (auto message = read_message(object, record.message); !message) {
        return tl::unexpected(message.error());
    }
    auto verify = read_verify(object);
    if (!verify) {
        return tl::unexpected(verify.error());
    }
    record.verify = std::move(*verify);
    auto response = read_response(object);
    if (!response) {
        return tl::unexpected(response.error());
    }
    record.response_status = *response;
    return record;
}

} // namespace hooks::log
