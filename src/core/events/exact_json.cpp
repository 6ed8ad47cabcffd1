// SPDX-License-Identifier: MIT
#include "core/events/exact_json.hpp"

#include "core/text/json_scanner.hpp"
#include "core/text/text.hpp"

#include <charconv>
#include <cstdint>
#include <utility>
#include <vector>

namespace hooks::events {
namespace {

constexpr std::size_t k_max_depth = 512;

// A kept number is a binary value with this subtype: JSON text never parses to a binary value,
// so a kept number can never be confused with anything a user wrote.
constexpr std::uint8_t k_number_subtype = 0x6e;

/// The value of a JSON string token (quotes and escapes as written).
std::string unescape(std::string_view token) {
    std::string_view inner = token.substr(1, token.size() - 2);
    if (inner.find('\\') == std::string_view::npos) {
        return std::string(inner);
    }
    // The scanner has checked the escapes, so the parser accepts the token.
    Json parsed = Json::parse(token.begin(), token.end(), nullptr, false);
    return parsed.is_string() ? parsed.get<std::string>() : std::string(inner);
}

/// An integer when the text is one that fits 64 bits and reads back as written, else the text.
Json number_value(std::string_view text) {
    const char* end = text.data() + text.size();
    if (text.find_first_of(".eE") == std::string_view::npos && text != "-0") {
        std::int64_t signed_value = 0;
        if (auto result = std::from_chars(text.data(), end, signed_value);
            result.ec == std::errc() && result.ptr == end) {
            return signed_value;
        }
        std::uint64_t unsigned_value = 0;
        if (auto result = std::from_chars(text.data(), end, unsigned_value);
            result.ec == std::errc() && result.ptr == end) {
            return unsigned_value;
        }
    }
    return exact_number(text);
}

/// Builds the value from the scanner's tokens without recursion: containers wait on a stack,
/// each with the name its next member gets.
class Builder {
  public:
    void open(Json container) {
        m_open.push_back(std::move(container));
        m_names.emplace_back();
    }

    void close() {
        Json done = std::move(m_open.back());
        m_open.pop_back();
        m_names.pop_back();
        add(std::move(done));
    }

    void name(std::string name) { m_names.back() = std::move(name); }

    void add(Json value) {
        if (m_open.empty()) {
            m_root = std::move(value);
        } else if (m_open.back().is_object()) {
            m_open.back()[m_names.back()] = std::move(value);
        } else {
            m_open.back().push_back(std::move(value));
        }
    }

    Json take() { return std::move(m_root); }

  private:
    std::vector<Json> m_open;
    std::vector<std::string> m_names;
    Json m_root;
};

void add_token(Builder& builder, const text::JsonToken& token) {
    using Kind = text::JsonTokenKind;
    switch (token.kind) {
    case Kind::begin_object:
        builder.open(Json::object());
        break;
    case Kind::begin_array:
        builder.open(Json::array());
        break;
    case Kind::end_object:
    case Kind::end_array:
        builder.close();
        break;
    case Kind::colon:
    case Kind::comma:
        break;
    case Kind::string:
        if (token.is_key) {
            builder.name(unescape(token.text));
        } else {
            builder.add(unescape(token.text));
        }
        break;
    case Kind::number:
        builder.add(number_value(token.text));
        break;
    case Kind::literal:
        builder.add(token.text == "null" ? Json() : Json(token.text == "true"));
        break;
    }
}

void append(std::string& out, const Json& value) {
    if (auto kept = kept_number_text(value)) {
        out.append(*kept);
    } else if (value.is_object()) {
        out += '{';
        for (auto member = value.begin(); member != value.end(); ++member) {
            out.append(member == value.begin() ? "" : ",");
            append(out, Json(member.key()));
            out += ':';
            append(out, member.value());
        }
        out += '}';
    } else if (value.is_array()) {
        out += '[';
        for (std::size_t i = 0; i < value.size(); ++i) {
            out.append(i == 0 ? "" : ",");
            append(out, value[i]);
        }
        out += ']';
    } else {
        out.append(value.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
}

std::optional<double> as_double(const Json& value) {
    if (value.is_number()) {
        return value.get<double>();
    }
    auto kept = kept_number_text(value);
    if (!kept) {
        return std::nullopt;
    }
    double number = 0;
    auto result = std::from_chars(kept->data(), kept->data() + kept->size(), number);
    return result.ec == std::errc() ? std::optional(number) : std::nullopt;
}

} // namespace

Result<Json> parse_exact(std::string_view text) {
    if (!text::is_valid_utf8(text)) {
        return fail(ErrorKind::input, "invalid UTF-8");
    }
    text::JsonScanner scanner(text, k_max_depth);
    Builder builder;
    while (auto token = scanner.next()) {
        add_token(builder, *token);
    }
    if (const auto& error = scanner.error()) {
        if (error->is_too_deep) {
            return fail(ErrorKind::input,
                        "nested deeper than " + std::to_string(k_max_depth) + " levels");
        }
        if (error->reason == "empty text") {
            return fail(ErrorKind::input, "empty text");
        }
        return fail(ErrorKind::input,
                    std::string(error->reason) + " at byte " + std::to_string(error->offset));
    }
    return builder.take();
}

Json exact_number(std::string_view text) {
    Json::binary_t::container_type bytes(text.begin(), text.end());
    return Json::binary(std::move(bytes), k_number_subtype);
}

std::optional<std::string_view> kept_number_text(const Json& value) {
    if (!value.is_binary()) {
        return std::nullopt;
    }
    const Json::binary_t& bytes = value.get_binary();
    if (!bytes.has_subtype() || bytes.subtype() != k_number_subtype) {
        return std::nullopt;
    }
    // The bytes were copied from a std::string_view of number characters.
    return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

bool is_number(const Json& value) {
    return value.is_number() || kept_number_text(value).has_value();
}

std::optional<std::string> scalar_text(const Json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (auto kept = kept_number_text(value)) {
        return std::string(*kept);
    }
    if (value.is_number() || value.is_boolean()) {
        return value.dump();
    }
    return std::nullopt;
}

std::string write_compact(const Json& value) {
    std::string out;
    append(out, value);
    return out;
}

bool is_same_value(const Json& a, const Json& b) {
    if (is_number(a) && is_number(b)) {
        if (a == b) {
            return true;
        }
        auto left = as_double(a);
        auto right = as_double(b);
        return left && right && *left == *right;
    }
    if (a.type() != b.type()) {
        return false;
    }
    if (a.is_object()) {
        if (a.size() != b.size()) {
            return false;
        }
        for (auto member = a.begin(); member != a.end(); ++member) {
            auto other = b.find(member.key());
            if (other == b.end() || !is_same_value(member.value(), *other)) {
                return false;
            }
        }
        return true;
    }
    if (a.is_array()) {
        if (a.size() != b.size()) {
            return false;
        }
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!is_same_value(a[i], b[i])) {
                return false;
            }
        }
        return true;
    }
    return a == b;
}

} // namespace hooks::events
