// SPDX-License-Identifier: MIT
#include "core/events/json_path.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

namespace hooks::events {
namespace {

// Values are written recursively; a path from the command line must not nest deeper than parsed
// JSON may.
constexpr std::size_t k_max_path_length = 512;

Result<std::string> unescape_token(std::string_view token) {
    std::string out;
    for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] != '~') {
            out += token[i];
        } else if (i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
            out += token[i + 1] == '0' ? '~' : '/';
            ++i;
        } else {
            return fail(ErrorKind::usage, "'~' must be followed by 0 or 1 in a JSON Pointer");
        }
    }
    return out;
}

std::string escape_token(std::string_view token) {
    std::string out;
    for (char c : token) {
        out.append(c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c));
    }
    return out;
}

/// The array index a token names, as RFC 6901 writes them: digits, no leading zeros.
std::optional<std::size_t> index_of(std::string_view token) {
    if (token.empty() || (token.size() > 1 && token.front() == '0')) {
        return std::nullopt;
    }
    std::size_t index = 0;
    const char* end = token.data() + token.size();
    auto result = std::from_chars(token.data(), end, index);
    if (result.ec != std::errc() || result.ptr != end) {
        return std::nullopt;
    }
    return index;
}

template <typename JsonRef> JsonRef* find_in(JsonRef& root, const JsonPath& path) {
    JsonRef* current = &root;
    for (const std::string& token : path) {
        if (current->is_object()) {
            auto found = current->find(token);
            if (found == current->end()) {
                return nullptr;
            }
            current = &*found;
        } else if (current->is_array()) {
            auto index = index_of(token);
            if (!index || *index >= current->size()) {
                return nullptr;
            }
            current = &(*current)[*index];
        } else {
            return nullptr;
        }
    }
    return current;
}

/// Where a walk stands, for messages.
std::string describe(const JsonPath& walked) {
    return walked.empty() ? "the body" : format_pointer(walked);
}

std::string type_name(const Json& value) {
    if (is_number(value)) {
        return "a number";
    }
    return value.is_string() ? "a string" : value.is_boolean() ? "a boolean" : "an array";
}

/// The member or element `token` of a container, created when the container is an object and
/// the member is missing, or appended when `token` is "-" in an array.
Result<Json*> step(Json& current, const std::string& token, const JsonPath& walked) {
    if (current.is_null()) {
        current = Json::object();
    }
    if (current.is_object()) {
        return &current[token];
    }
    if (!current.is_array()) {
        return fail(ErrorKind::usage,
                    describe(walked) + " is " + type_name(current) + ", not an object or array");
    }
    if (token == "-") {
        current.push_back(Json());
        return &current.back();
    }
    auto index = index_of(token);
    if (!index) {
        return fail(ErrorKind::usage, describe(walked) + " is an array: '" + token +
                                          "' is not an index (0, 1, ... or - to append)");
    }
    if (*index >= current.size()) {
        return fail(ErrorKind::usage, format_pointer(walked) + "/" + token +
                                          " is past the end of the array (" +
                                          std::to_string(current.size()) + " items)");
    }
    return &current[*index];
}

} // namespace

Result<JsonPath> parse_path(std::string_view path) {
    if (path.empty()) {
        return fail(ErrorKind::usage, "empty path");
    }
    JsonPath tokens;
    const bool is_pointer = path.front() == '/';
    const char separator = is_pointer ? '/' : '.';
    std::string_view rest = is_pointer ? path.substr(1) : path;
    while (true) {
        std::string_view token = rest.substr(0, rest.find(separator));
        if (is_pointer) {
            auto unescaped = unescape_token(token);
            if (!unescaped) {
                return tl::unexpected(unescaped.error());
            }
            tokens.push_back(std::move(*unescaped));
        } else if (token.empty()) {
            return fail(ErrorKind::usage,
                        "empty name in a dotted path (use a JSON Pointer for such names)");
        } else {
            tokens.emplace_back(token);
        }
        if (tokens.size() > k_max_path_length) {
            return fail(ErrorKind::usage,
                        "more than " + std::to_string(k_max_path_length) + " names in the path");
        }
        if (token.size() == rest.size()) {
            return tokens;
        }
        rest.remove_prefix(token.size() + 1);
    }
}

std::string format_pointer(const JsonPath& path) {
    std::string out;
    for (const std::string& token : path) {
        out += '/';
        out += escape_token(token);
    }
    return out;
}

const Json* find_at(const Json& root, const JsonPath& path) {
    return find_in(root, path);
}

Json* find_at(Json& root, const JsonPath& path) {
    return find_in(root, path);
}

Result<void> set_at(Json& root, const JsonPath& path, Json value) {
    Json* current = &root;
    JsonPath walked;
    for (const std::string& token : path) {
        auto next = step(*current, token, walked);
        if (!next) {
            return tl::unexpected(next.error());
        }
        current = *next;
        walked.push_back(token);
    }
    *current = std::move(value);
    return {};
}

bool starts_with(const JsonPath& path, const JsonPath& prefix) {
    return prefix.size() <= path.size() && std::equal(prefix.begin(), prefix.end(), path.begin());
}

} // namespace hooks::events
