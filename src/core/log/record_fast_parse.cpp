// SPDX-License-Identifier: MIT
// parse_json_line_fast, declared in record_parse.hpp. nlohmann::json copies every string of a
// line a byte at a time into a tree of maps, and the body is most of a line (version 1 holds it
// twice, as body_b64 and body_text); here the line is scanned once into views, the body is
// decoded once from body_b64 or body_text (a version 1 body_text is compared in place), and only
// the small fields are copied. What this path cannot read exactly as nlohmann would (numbers
// other than plain integers, escaped keys, duplicates, {"b64": ...} text) it declines, and the
// general parser answers.
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/log/record_parse.hpp"
#include "core/text/json_scanner.hpp"
#include "core/text/text.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace hooks::log::detail {
namespace {

using text::JsonToken;
using text::JsonTokenKind;

// Deeper lines go to the general parser; the writer nests three levels.
constexpr std::size_t k_max_depth = 64;
// Token 0 opens the line's object, so it is never a field's value: it marks a field absent.
constexpr std::size_t k_absent = 0;

// A number of digits only, at most 19 (below 2^64): nlohmann reads it as this unsigned value.
std::optional<std::uint64_t> plain_integer(std::string_view text) {
    if (text.empty() || text.size() > 19) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value;
}

// Where each top-level field the record reads sits: its value's first token, or k_absent.
struct TopFields {
    std::size_t v = k_absent;
    std::size_t seq = k_absent;
    std::size_t id = k_absent;
    std::size_t received_at = k_absent;
    std::size_t remote = k_absent;
    std::size_t method = k_absent;
    std::size_t target = k_absent;
    std::size_t headers = k_absent;
    std::size_t trailers = k_absent;
    std::size_t body_b64 = k_absent;
    std::size_t body_len = k_absent;
    std::size_t body_sha256 = k_absent;
    std::size_t body_text = k_absent;
    std::size_t verify = k_absent;
    std::size_t response = k_absent;
};

// The slot of a top-level key as written (quotes included), or null for a key nothing reads.
std::size_t* top_slot(std::string_view key, TopFields& fields) {
    struct Entry {
        std::string_view key;
        std::size_t TopFields::*slot;
    };
    static constexpr Entry k_entries[] = {
        {R"("v")", &TopFields::v},
        {R"("seq")", &TopFields::seq},
        {R"("id")", &TopFields::id},
        {R"("received_at")", &TopFields::received_at},
        {R"("remote")", &TopFields::remote},
        {R"("method")", &TopFields::method},
        {R"("target")", &TopFields::target},
        {R"("headers")", &TopFields::headers},
        {R"("trailers")", &TopFields::trailers},
        {R"("body_b64")", &TopFields::body_b64},
        {R"("body_len")", &TopFields::body_len},
        {R"("body_sha256")", &TopFields::body_sha256},
        {R"("body_text")", &TopFields::body_text},
        {R"("verify")", &TopFields::verify},
        {R"("response")", &TopFields::response},
    };
    for (const Entry& entry : k_entries) {
        if (entry.key == key) {
            return &(fields.*entry.slot);
        }
    }
    return nullptr;
}

// Reads a record from the tokens of one line, each check as read_* in record_parse.cpp makes
// it; every method returns false where the general parser might answer otherwise.
class FastReader {
  public:
    explicit FastReader(std::string_view line) : m_line(line) {}

    std::optional<Record> read() {
        TopFields fields;
        Record record;
        if (!scan() || !read_top_fields(fields)) {
            return std::nullopt;
        }
        std::optional<std::uint64_t> version = read_integer(fields.v);
        if ((version != std::uint64_t{1} && version != std::uint64_t{2}) ||
            !read_envelope(fields, record) || !read_message(fields, *version, record.message) ||
            !read_verify(fields.verify, record.verify) ||
            !read_response(fields.response, record.response_status)) {
            return std::nullopt;
        }
        return record;
    }

  private:
    const JsonToken& token(std::size_t at) const { return m_tokens[at]; }

    bool is_kind(std::size_t at, JsonTokenKind kind) const { return token(at).kind == kind; }

    bool is_absent_or_null(std::size_t at) const {
        return at == k_absent || (is_kind(at, JsonTokenKind::literal) && token(at).text == "null");
    }

    // A string's value; false for anything else (k_absent included: it opens an object).
    bool read_text(std::size_t at, std::string& out) const {
        return is_kind(at, JsonTokenKind::string) && text::decode_json_string(token(at).text, out);
    }

    std::optional<std::uint64_t> read_integer(std::size_t at) const {
        return is_kind(at, JsonTokenKind::number) ? plain_integer(token(at).text) : std::nullopt;
    }

    bool scan();
    std::size_t skip_value(std::size_t at) const;
    template <typename Visit> bool visit_members(std::size_t object, const Visit& visit) const;
    bool read_top_fields(TopFields& fields) const;
    bool read_envelope(const TopFields& fields, Record& record) const;
    bool read_message(const TopFields& fields, std::uint64_t version,
                      message::Message& message) const;
    bool read_headers(std::size_t at, std::vector<message::Header>& out) const;
    bool read_body(const TopFields& fields, std::uint64_t version, std::string& out) const;
    bool read_base64_body(const TopFields& fields, std::string& out) const;
    bool check_body(const TopFields& fields, std::string_view body) const;
    bool read_verify(std::size_t at, std::optional<VerifyOutcome>& out) const;
    bool read_response(std::size_t at, std::optional<int>& out) const;

    std::string_view m_line;
    std::vector<JsonToken> m_tokens;
};

// The line's tokens, when it is one JSON object whose numbers are plain integers and whose keys
// hold no escapes (nlohmann would compare them decoded).
bool FastReader::scan() {
    text::JsonScanner scanner(m_line, k_max_depth);
    m_tokens.reserve(128);
    for (auto token = scanner.next(); token; token = scanner.next()) {
        bool is_simple = token->kind == JsonTokenKind::number
                             ? plain_integer(token->text).has_value()
                             : !token->is_key || token->text.find('\\') == std::string_view::npos;
        if (!is_simple) {
            return false;
        }
        m_tokens.push_back(*token);
    }
    return !scanner.error() && !m_tokens.empty() && is_kind(0, JsonTokenKind::begin_object);
}

// The index just past the value that starts at `at`.
std::size_t FastReader::skip_value(std::size_t at) const {
    std::size_t depth = 0;
    do {
        JsonTokenKind kind = token(at).kind;
        if (kind == JsonTokenKind::begin_object || kind == JsonTokenKind::begin_array) {
            ++depth;
        } else if (kind == JsonTokenKind::end_object || kind == JsonTokenKind::end_array) {
            --depth;
        }
        ++at;
    } while (depth > 0);
    return at;
}

// Calls visit(key as written, index of its value) for each member of the object at `object`
// while it returns true; false when it stopped.
template <typename Visit>
bool FastReader::visit_members(std::size_t object, const Visit& visit) const {
    std::size_t at = object + 1;
    while (!is_kind(at, JsonTokenKind::end_object)) {
        if (!visit(token(at).text, at + 2)) {
            return false;
        }
        at = skip_value(at + 2);
        if (is_kind(at, JsonTokenKind::comma)) {
            ++at;
        }
    }
    return true;
}

// A duplicate of a field the record reads is declined: nlohmann keeps the last one.
bool FastReader::read_top_fields(TopFields& fields) const {
    return visit_members(0, [&fields](std::string_view key, std::size_t value) {
        std::size_t* slot = top_slot(key, fields);
        if (slot == nullptr) {
            return true;
        }
        if (*slot != k_absent) {
            return false;
        }
        *slot = value;
        return true;
    });
}

bool FastReader::read_envelope(const TopFields& fields, Record& record) const {
    std::optional<std::uint64_t> seq = read_integer(fields.seq);
    if (!seq) {
        return false;
    }
    record.seq = *seq;
    if (!is_absent_or_null(fields.id)) {
        std::string id;
        if (!read_text(fields.id, id)) {
            return false;
        }
        record.id = std::move(id);
    }
    std::string received_at;
    if (!read_text(fields.received_at, received_at)) {
        return false;
    }
    auto time = parse_rfc3339(received_at);
    if (!time) {
        return false;
    }
    record.received_at = *time;
    return is_absent_or_null(fields.remote) || read_text(fields.remote, record.remote);
}

bool FastReader::read_message(const TopFields& fields, std::uint64_t version,
                              message::Message& message) const {
    return read_text(fields.method, message.method) && read_text(fields.target, message.target) &&
           read_headers(fields.headers, message.headers) &&
           (is_absent_or_null(fields.trailers) ||
            read_headers(fields.trailers, message.trailers)) &&
           read_body(fields, version, message.body);
}

// [[name, value], ...] with both strings.
bool FastReader::read_headers(std::size_t at, std::vector<message::Header>& out) const {
    if (!is_kind(at, JsonTokenKind::begin_array)) {
        return false;
    }
    // Each pair is five tokens and a comma.
    out.reserve((skip_value(at) - at) / 6);
    ++at;
    while (!is_kind(at, JsonTokenKind::end_array)) {
        // Evaluated in order, each test stops before a token past the pair's end.
        if (!is_kind(at, JsonTokenKind::begin_array) || !is_kind(at + 1, JsonTokenKind::string) ||
            !is_kind(at + 2, JsonTokenKind::comma) || !is_kind(at + 3, JsonTokenKind::string) ||
            !is_kind(at + 4, JsonTokenKind::end_array)) {
            return false;
        }
        message::Header& header = out.emplace_back();
        if (!read_text(at + 1, header.name) || !read_text(at + 3, header.value)) {
            return false;
        }
        at += 5;
        if (is_kind(at, JsonTokenKind::comma)) {
            ++at;
        }
    }
    return true;
}

// body_b64 when present, else (version 2) body_text, as read_body in record_parse.cpp.
bool FastReader::read_body(const TopFields& fields, std::uint64_t version, std::string& out) const {
    if (!is_absent_or_null(fields.body_b64)) {
        return read_base64_body(fields, out) && check_body(fields, out);
    }
    // nlohmann rejects strings that are not UTF-8; outside strings the line is ASCII by the
    // grammar, so the whole line is checked at once.
    return version == 2 && !is_absent_or_null(fields.body_text) && text::is_valid_utf8(m_line) &&
           read_text(fields.body_text, out) && check_body(fields, out);
}

// body_b64 decoded, and compared with body_text when that is present too.
bool FastReader::read_base64_body(const TopFields& fields, std::string& out) const {
    if (!is_kind(fields.body_b64, JsonTokenKind::string)) {
        return false;
    }
    std::string_view quoted = token(fields.body_b64).text;
    std::string_view encoded = quoted.substr(1, quoted.size() - 2);
    // nlohmann rejects strings that are not UTF-8. body_b64, once it decodes, is ASCII; the rest
    // of the line is checked at once, outside strings it is ASCII by the grammar.
    auto offset = static_cast<std::size_t>(quoted.data() - m_line.data());
    if (encoded.find('\\') != std::string_view::npos ||
        !text::is_valid_utf8(m_line.substr(0, offset)) ||
        !text::is_valid_utf8(m_line.substr(offset + quoted.size()))) {
        return false;
    }
    auto body = crypto::base64_decode(encoded);
    if (!body || (!is_absent_or_null(fields.body_text) &&
                  (!is_kind(fields.body_text, JsonTokenKind::string) ||
                   !text::json_string_equals(token(fields.body_text).text, *body)))) {
        return false;
    }
    out = std::move(*body);
    return true;
}

// body_len and body_sha256, when present, match the body.
bool FastReader::check_body(const TopFields& fields, std::string_view body) const {
    if (!is_absent_or_null(fields.body_len) && read_integer(fields.body_len) != body.size()) {
        return false;
    }
    if (is_absent_or_null(fields.body_sha256)) {
        return true;
    }
    std::string hex;
    if (!read_text(fields.body_sha256, hex)) {
        return false;
    }
    auto expected = crypto::hex_decode(hex);
    return expected && *expected == crypto::digest(crypto::DigestAlgorithm::sha256, body);
}

// {provider, ok, reason}, each member maybe null or absent, other members ignored; or absent
// or null.
bool FastReader::read_verify(std::size_t at, std::optional<VerifyOutcome>& out) const {
    if (is_absent_or_null(at)) {
        return true;
    }
    std::size_t provider = k_absent;
    std::size_t ok = k_absent;
    std::size_t reason = k_absent;
    bool is_unique = is_kind(at, JsonTokenKind::begin_object) &&
                     visit_members(at, [&](std::string_view key, std::size_t value) {
                         std::size_t* slot = key == R"("provider")" ? &provider
                                             : key == R"("ok")"     ? &ok
                                             : key == R"("reason")" ? &reason
                                                                    : nullptr;
                         if (slot == nullptr) {
                             return true;
                         }
                         bool is_first = *slot == k_absent;
                         *slot = value;
                         return is_first;
                     });
    VerifyOutcome outcome;
    if (!is_unique || (!is_absent_or_null(provider) && !read_text(provider, outcome.provider)) ||
        (!is_absent_or_null(ok) && !is_kind(ok, JsonTokenKind::literal)) ||
        (!is_absent_or_null(reason) && !read_text(reason, outcome.reason))) {
        return false;
    }
    // Without ok nothing was concluded: no outcome.
    if (!is_absent_or_null(ok)) {
        outcome.ok = token(ok).text == "true";
        out = std::move(outcome);
    }
    return true;
}

// {status} (null or absent status: none), other members ignored; or absent or null.
bool FastReader::read_response(std::size_t at, std::optional<int>& out) const {
    if (is_absent_or_null(at)) {
        return true;
    }
    std::size_t status = k_absent;
    bool is_unique = is_kind(at, JsonTokenKind::begin_object) &&
                     visit_members(at, [&status](std::string_view key, std::size_t value) {
                         if (key != R"("status")") {
                             return true;
                         }
                         bool is_first = status == k_absent;
                         status = value;
                         return is_first;
                     });
    if (is_unique && is_absent_or_null(status)) {
        return true;
    }
    std::optional<std::uint64_t> number = is_unique ? read_integer(status) : std::nullopt;
    if (!number || *number > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
        return false;
    }
    out = static_cast<int>(*number);
    return true;
}

} // namespace

std::optional<Record> parse_json_line_fast(std::string_view line) {
    return FastReader(line).read();
}

} // namespace hooks::log::detail
