// SPDX-License-Identifier: MIT
// parse_json_line, declared in record.hpp: the reading half of the log format.
#include "core/log/record_parse.hpp"

#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/log/record.hpp"

#include <limits>
#include <nlohmann/json.hpp>

namespace hooks::log {
namespace {

using nlohmann::json;

tl::unexpected<Error> field_error(std::string_view field, std::string_view problem) {
    return fail(ErrorKind::input, std::string(field) + ": " + std::string(problem));
}

// The value of a field, or null when the object lacks it.
const json* find_field(const json& object, const char* name) {
    auto found = object.find(name);
    return found == object.end() ? nullptr : &*found;
}

// The value of an optional field, or null when the object lacks it or holds null there: a
// writer may write null for what it does not know.
const json* find_optional(const json& object, const char* name) {
    const json* value = find_field(object, name);
    return value == nullptr || value->is_null() ? nullptr : value;
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

// An optional text field into `out`, left as it is when the field is absent or null.
Result<void> read_optional_text(const json& object, const char* name, std::string_view field,
                                std::string& out) {
    if (const json* value = find_optional(object, name)) {
        auto text = read_text(*value, field);
        if (!text) {
            return tl::unexpected(text.error());
        }
        out = std::move(*text);
    }
    return {};
}

// `headers` (required) or `trailers` (optional: absent or null reads as none).
Result<std::vector<message::Header>> read_fields(const json& object, const char* key) {
    bool is_required = std::string_view(key) == "headers";
    const json* headers = is_required ? find_field(object, key) : find_optional(object, key);
    if (headers == nullptr) {
        if (is_required) {
            return field_error(key, "missing");
        }
        return std::vector<message::Header>{};
    }
    if (!headers->is_array()) {
        return field_error(key, "expected an array of [name, value]");
    }
    std::vector<message::Header> out;
    out.reserve(headers->size());
    for (size_t i = 0; i < headers->size(); ++i) {
        const json& pair = (*headers)[i];
        std::string field = key + ("[" + std::to_string(i) + "]");
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

// The body as body_b64 gives it, else as body_text: version 1 always has body_b64 (and
// body_text too for a UTF-8 body), version 2 one of the two. When both are there they must
// agree; body_len and body_sha256, when present, must match the body.
Result<std::string> read_body(const json& object, std::uint64_t version) {
    const json* encoded = find_optional(object, "body_b64");
    const json* text = find_optional(object, "body_text");
    std::string body;
    if (encoded != nullptr) {
        if (!encoded->is_string()) {
            return field_error("body_b64", "expected a string");
        }
        auto decoded = crypto::base64_decode(encoded->get_ref<const std::string&>());
        if (!decoded) {
            return field_error("body_b64", decoded.error().message);
        }
        body = std::move(*decoded);
        if (text != nullptr &&
            (!text->is_string() || text->get_ref<const std::string&>() != body)) {
            return fail(ErrorKind::input, "body_text does not match the body");
        }
    } else if (version == 1) {
        return field_error("body_b64", "missing");
    } else if (text == nullptr) {
        return field_error("body_text or body_b64", "missing");
    } else if (!text->is_string()) {
        return field_error("body_text", "expected a string");
    } else {
        body = text->get<std::string>();
    }
    if (const json* length = find_optional(object, "body_len")) {
        if (!length->is_number_unsigned()) {
            return field_error("body_len", "expected a non-negative integer");
        }
        if (length->get<std::uint64_t>() != body.size()) {
            return fail(ErrorKind::input, "body_len does not match the body (" +
                                              std::to_string(body.size()) + " bytes)");
        }
    }
    if (const json* sha = find_optional(object, "body_sha256")) {
        auto expected = sha->is_string() ? crypto::hex_decode(sha->get_ref<const std::string&>())
                                         : fail(ErrorKind::input, "not a string");
        if (!expected || expected->size() != 32) {
            return field_error("body_sha256", "expected 64 hex digits");
        }
        if (*expected != crypto::digest(crypto::DigestAlgorithm::sha256, body)) {
            return fail(ErrorKind::input, "body_sha256 does not match the body");
        }
    }
    return body;
}

// Each member may be null or absent; without ok (true or false) nothing was concluded, and the
// record has no outcome whatever else verify holds.
Result<std::optional<VerifyOutcome>> read_verify(const json& object) {
    const json* verify = find_optional(object, "verify");
    if (verify == nullptr) {
        return std::optional<VerifyOutcome>();
    }
    if (!verify->is_object()) {
        return field_error("verify", "expected an object {provider, ok, reason}");
    }
    VerifyOutcome outcome;
    if (auto provider =
            read_optional_text(*verify, "provider", "verify.provider", outcome.provider);
        !provider) {
        return tl::unexpected(provider.error());
    }
    const json* ok = find_optional(*verify, "ok");
    if (ok != nullptr && !ok->is_boolean()) {
        return field_error("verify.ok", "expected true, false or null");
    }
    if (auto reason = read_optional_text(*verify, "reason", "verify.reason", outcome.reason);
        !reason) {
        return tl::unexpected(reason.error());
    }
    if (ok == nullptr) {
        return std::optional<VerifyOutcome>();
    }
    outcome.ok = ok->get<bool>();
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
    const json* response = find_optional(object, "response");
    if (response == nullptr) {
        return std::optional<int>();
    }
    if (!response->is_object()) {
        return field_error("response", "expected an object {status}");
    }
    const json* status = find_optional(*response, "status");
    if (status == nullptr) {
        return std::optional<int>();
    }
    std::optional<int> number = as_integer<int>(*status);
    if (!number) {
        return field_error("response.status", "expected an integer");
    }
    return number;
}

Result<std::optional<std::string>> read_id(const json& object) {
    const json* id = find_optional(object, "id");
    if (id == nullptr) {
        return std::optional<std::string>();
    }
    auto text = read_text(*id, "id");
    if (!text) {
        return tl::unexpected(text.error());
    }
    return std::optional<std::string>(std::move(*text));
}

// The format's version: 1 or 2.
Result<std::uint64_t> read_version(const json& object) {
    const json* version = find_field(object, "v");
    if (version == nullptr) {
        return field_error("v", "missing");
    }
    std::optional<std::uint64_t> number = as_integer<std::uint64_t>(*version);
    if (number != std::uint64_t{1} && number != std::uint64_t{2}) {
        return field_error("v", "expected 1 or 2, the versions this hooks reads");
    }
    return *number;
}

// The fields before the message: seq, id, received_at, remote.
Result<void> read_envelope(const json& object, Record& record) {
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
    return read_optional_text(object, "remote", "remote", record.remote);
}

Result<void> read_message(const json& object, std::uint64_t version, message::Message& message) {
    auto method = read_required_text(object, "method");
    if (!method) {
        return tl::unexpected(method.error());
    }
    auto target = read_required_text(object, "target");
    if (!target) {
        return tl::unexpected(target.error());
    }
    auto headers = read_fields(object, "headers");
    if (!headers) {
        return tl::unexpected(headers.error());
    }
    auto trailers = read_fields(object, "trailers");
    if (!trailers) {
        return tl::unexpected(trailers.error());
    }
    auto body = read_body(object, version);
    if (!body) {
        return tl::unexpected(body.error());
    }
    message.method = std::move(*method);
    message.target = std::move(*target);
    message.headers = std::move(*headers);
    message.trailers = std::move(*trailers);
    message.body = std::move(*body);
    return {};
}

// The record in a line that parsed as a JSON object.
Result<Record> read_record(const json& object) {
    auto version = read_version(object);
    if (!version) {
        return tl::unexpected(version.error());
    }
    Record record;
    if (auto envelope = read_envelope(object, record); !envelope) {
        return tl::unexpected(envelope.error());
    }
    if (auto message = read_message(object, *version, record.message); !message) {
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

} // namespace

namespace detail {

Result<Record> parse_json_line_slow(std::string_view line) {
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
    return read_record(object);
}

} // namespace detail

Result<Record> parse_json_line(std::string_view line) {
    // Any line the fast path declines, well-formed or not, gets the general parser's answer, so
    // that both accept the same lines and fail with the same messages.
    if (auto record = detail::parse_json_line_fast(line)) {
        return std::move(*record);
    }
    return detail::parse_json_line_slow(line);
}

} // namespace hooks::log
