// SPDX-License-Identifier: MIT
#include "core/log/source.hpp"

#include "core/crypto/encoding.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <streambuf>

namespace hooks::log {
namespace {

using nlohmann::json;

Result<const json*> member(const json& object, const char* key, json::value_t type,
                           const std::string& where) {
    auto found = object.find(key);
    if (found == object.end()) {
        return fail(ErrorKind::input, where + "." + key + ": missing");
    }
    bool is_number = type == json::value_t::number_integer &&
                     (found->is_number_integer() || found->is_number_unsigned());
    if (found->type() != type && !is_number) {
        return fail(ErrorKind::input, where + "." + key + ": expected " +
                                          (type == json::value_t::string   ? "a string"
                                           : type == json::value_t::array  ? "an array"
                                           : type == json::value_t::object ? "an object"
                                                                           : "a number") +
                                          ", got " + found->type_name());
    }
    return &*found;
}

/// The path and query of an absolute URL ("https://a.example/hooks?x=1" -> "/hooks?x=1").
std::string target_of(const std::string& url) {
    std::size_t start = 0;
    if (auto scheme = url.find("://"); scheme != std::string::npos) {
        start = url.find('/', scheme + 3);
        if (start == std::string::npos) {
            auto query = url.find('?', scheme + 3);
            return query == std::string::npos ? "/" : "/" + url.substr(query);
        }
    }
    std::string target = url.substr(start);
    if (auto fragment = target.find('#'); fragment != std::string::npos) {
        target.resize(fragment);
    }
    return target.empty() ? "/" : target;
}

Result<void> read_headers(const json& request, const std::string& where, Record& record) {
    auto headers = member(request, "headers", json::value_t::array, where);
    if (!headers) {
        return tl::unexpected(headers.error());
    }
    std::size_t index = 0;
    for (const json& header : **headers) {
        std::string at = where + ".headers[" + std::to_string(index++) + "]";
        if (!header.is_object()) {
            return fail(ErrorKind::input, at + ": expected an object");
        }
        auto name = member(header, "name", json::value_t::string, at);
        auto value = member(header, "value", json::value_t::string, at);
        if (!name || !value) {
            return tl::unexpected(!name ? name.error() : value.error());
        }
        const auto& text = (*name)->get_ref<const std::string&>();
        if (!text.empty() && text.front() == ':') {
            continue; // HTTP/2 pseudo-header: the request line and Host carry it
        }
        record.message.headers.push_back({text, (*value)->get<std::string>()});
    }
    return {};
}

Result<void> read_body(const json& request, const std::string& where, Record& record) {
    auto post = request.find("postData");
    if (post == request.end() || post->is_null()) {
        return {};
    }
    std::string at = where + ".postData";
    if (!post->is_object()) {
        return fail(ErrorKind::input, at + ": expected an object");
    }
    auto text = post->find("text");
    if (text == post->end()) {
        return fail(ErrorKind::input,
                    at + ".text: missing (a body given only as params cannot be sent exactly)");
    }
    if (!text->is_string()) {
        return fail(ErrorKind::input, at + ".text: expected a string");
    }
    auto encoding = post->find("encoding");
    if (encoding != post->end() && encoding->is_string() && *encoding == "base64") {
        auto bytes = crypto::base64_decode(text->get_ref<const std::string&>());
        if (!bytes) {
            return fail(ErrorKind::input, at + ".text: not base64");
        }
        record.message.body = std::move(*bytes);
    } else {
        record.message.body = text->get<std::string>();
    }
    return {};
}

Result<Record> read_entry(const json& entry, std::size_t index) {
    std::string where = "entries[" + std::to_string(index) + "]";
    if (!entry.is_object()) {
        return fail(ErrorKind::input, where + ": expected an object");
    }
    Record record;
    record.seq = index + 1;
    auto started = member(entry, "startedDateTime", json::value_t::string, where);
    auto request = member(entry, "request", json::value_t::object, where);
    if (!started || !request) {
        return tl::unexpected(!started ? started.error() : request.error());
    }
    auto time = parse_rfc3339((*started)->get_ref<const std::string&>());
    if (!time) {
        return fail(ErrorKind::input, where + ".startedDateTime: " + time.error().message);
    }
    record.received_at = *time;
    where += ".request";
    auto method = member(**request, "method", json::value_t::string, where);
    auto url = member(**request, "url", json::value_t::string, where);
    if (!method || !url) {
        return tl::unexpected(!method ? method.error() : url.error());
    }
    record.message.method = (*method)->get<std::string>();
    record.message.target = target_of((*url)->get_ref<const std::string&>());
    if (auto headers = read_headers(**request, where, record); !headers) {
        return tl::unexpected(headers.error());
    }
    if (auto body = read_body(**request, where, record); !body) {
        return tl::unexpected(body.error());
    }
    if (auto response = entry.find("response"); response != entry.end() && response->is_object()) {
        auto status = response->find("status");
        if (status != response->end() && status->is_number_integer() && *status >= 100 &&
            *status <= 999) {
            record.response_status = status->get<int>();
        }
    }
    return record;
}

} // namespace

Result<std::vector<Record>> parse_har(std::string_view text) {
    json document = json::parse(text, nullptr, false);
    if (document.is_discarded()) {
        return fail(ErrorKind::input, "not JSON");
    }
    if (!document.is_object()) {
        return fail(ErrorKind::input, "expected an object with \"log\"");
    }
    auto log = member(document, "log", json::value_t::object, "HAR");
    if (!log) {
        return tl::unexpected(log.error());
    }
    auto entries = member(**log, "entries", json::value_t::array, "log");
    if (!entries) {
        return tl::unexpected(entries.error());
    }
    std::vector<Record> records;
    records.reserve((*entries)->size());
    for (std::size_t index = 0; index < (*entries)->size(); ++index) {
        auto record = read_entry((**entries)[index], index);
        if (!record) {
            return tl::unexpected(record.error());
        }
        records.push_back(std::move(*record));
    }
    return records;
}

/// The bytes read while looking at the first key, then the rest of the stream.
struct Source::PrefixedBuffer : std::streambuf {
    PrefixedBuffer(std::string prefix, std::streambuf* rest)
        : m_prefix(std::move(prefix)), m_rest(rest) {
        setg(m_prefix.data(), m_prefix.data(), m_prefix.data() + m_prefix.size());
    }

  protected:
    int_type underflow() override {
        if (gptr() < egptr()) {
            return traits_type::to_int_type(*gptr());
        }
        std::streamsize got =
            m_rest->sgetn(m_chunk.data(), static_cast<std::streamsize>(m_chunk.size()));
        if (got <= 0) {
            return traits_type::eof();
        }
        setg(m_chunk.data(), m_chunk.data(), m_chunk.data() + got);
        return traits_type::to_int_type(*gptr());
    }

  private:
    std::string m_prefix;
    std::streambuf* m_rest;
    std::array<char, std::size_t{64} * 1024> m_chunk{};
};

Source::~Source() = default;

Result<std::unique_ptr<Source>> Source::open(std::istream& input, std::string name) {
    // Read up to the first key: `{"v":1,...` is a log line, `{ "log": {...` a HAR document.
    std::string prefix;
    std::string key;
    int quotes = 0;
    for (int c = input.get(); c != std::char_traits<char>::eof() && prefix.size() < 4096;
         c = input.get()) {
        prefix.push_back(static_cast<char>(c));
        if (c == '"' && ++quotes == 2) {
            break;
        }
        if (quotes == 1 && c != '"') {
            key.push_back(static_cast<char>(c));
        }
    }
    if (input.bad()) {
        return fail(ErrorKind::input, name + ": cannot read the log");
    }
    input.clear(input.rdstate() & ~std::ios::failbit & ~std::ios::eofbit);
    std::unique_ptr<Source> source(new Source());
    source->m_buffer = std::make_unique<PrefixedBuffer>(std::move(prefix), input.rdbuf());
    source->m_stream = std::make_unique<std::istream>(source->m_buffer.get());
    if (key == "log") {
        source->m_format = SourceFormat::har;
        std::string text;
        std::array<char, std::size_t{64} * 1024> chunk{};
        while (source->m_stream->read(chunk.data(), chunk.size()) ||
               source->m_stream->gcount() > 0) {
            text.append(chunk.data(), static_cast<std::size_t>(source->m_stream->gcount()));
        }
        if (input.bad()) {
            return fail(ErrorKind::input, name + ": cannot read the log");
        }
        auto records = parse_har(text);
        if (!records) {
            return fail(ErrorKind::input, name + ": HAR: " + records.error().message);
        }
        source->m_har = std::move(*records);
        return source;
    }
    source->m_reader = std::make_unique<Reader>(*source->m_stream, std::move(name));
    return source;
}

Result<std::optional<Record>> Source::next() {
    if (m_reader) {
        return m_reader->next();
    }
    if (m_har_next < m_har.size()) {
        return std::optional<Record>(std::move(m_har[m_har_next++]));
    }
    return std::optional<Record>();
}

std::uint64_t Source::line_number() const {
    return m_reader ? m_reader->line_number() : 0;
}

const std::string& Source::warning() const {
    return m_reader ? m_reader->warning() : m_no_warning;
}

} // namespace hooks::log
