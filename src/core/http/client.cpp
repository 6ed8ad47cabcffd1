// SPDX-License-Identifier: MIT
// The client adapter: cpp-httplib stays behind this file; every header is validated first.
#include "core/http/client.hpp"

#include <cctype>
#include <charconv>
#include <chrono>
#include <httplib.h>

namespace hooks::http {
namespace {

constexpr std::uint16_t default_port(std::string_view scheme) {
    return scheme == "https" ? 443 : 80;
}

Result<std::uint16_t> parse_port(std::string_view text, std::string_view url) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value == 0 ||
        value > 65535) {
        return fail(ErrorKind::usage, "invalid port in URL '" + std::string(url) + "'");
    }
    return static_cast<std::uint16_t>(value);
}

/// Splits "host:port", "[v6]:port", "host" into host and port text.
Result<std::pair<std::string, std::string>> split_authority(std::string_view authority,
                                                            std::string_view url) {
    if (authority.starts_with('[')) {
        auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return fail(ErrorKind::usage, "unclosed '[' in URL '" + std::string(url) + "'");
        }
        std::string_view rest = authority.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':')) {
            return fail(ErrorKind::usage,
                        "unexpected text after ']' in URL '" + std::string(url) + "'");
        }
        return std::pair{std::string(authority.substr(1, close - 1)),
                         std::string(rest.empty() ? rest : rest.substr(1))};
    }
    auto colon = authority.rfind(':');
    if (colon == std::string_view::npos) {
        return std::pair{std::string(authority), std::string()};
    }
    return std::pair{std::string(authority.substr(0, colon)),
                     std::string(authority.substr(colon + 1))};
}

Failure failure_of(httplib::Error error) {
    switch (error) {
    case httplib::Error::Connection:
    case httplib::Error::BindIPAddress:
        return Failure::connect;
    case httplib::Error::ConnectionTimeout:
        return Failure::timeout;
    case httplib::Error::Read:
    case httplib::Error::Write:
        return Failure::read;
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
        return Failure::tls;
    default:
        return Failure::other;
    }
}

std::string describe(httplib::Error error, const std::string& origin) {
    switch (error) {
    case httplib::Error::Connection:
        return connect_failure(origin).message;
    case httplib::Error::ConnectionTimeout:
        return connect_timeout(origin).message;
    case httplib::Error::Read:
        return "no complete response from " + origin + " (timed out or connection closed)";
    case httplib::Error::Write:
        return "connection to " + origin + " closed while sending the request";
    case httplib::Error::SSLConnection:
        return "TLS handshake with " + origin + " failed";
    case httplib::Error::SSLLoadingCerts:
        return "cannot load the CA certificates for " + origin;
    case httplib::Error::SSLServerVerification:
        return "TLS certificate of " + origin +
               " not trusted (--cacert FILE to trust it, --insecure to skip the check)";
    default:
        return "request to " + origin + " failed: " + httplib::to_string(error);
    }
}

} // namespace

std::string Url::origin() const {
    bool is_v6 = host.find(':') != std::string::npos;
    return scheme + "://" + (is_v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ClientError connect_failure(const std::string& origin) {
    return {Failure::connect,
            "cannot connect to " + origin + " (refused, unreachable or unknown host)"};
}

ClientError connect_timeout(const std::string& origin) {
    return {Failure::timeout, "timed out connecting to " + origin};
}

ClientError response_timeout(const std::string& origin, std::chrono::milliseconds budget) {
    return {Failure::timeout,
            "no response from " + origin + " within " + std::to_string(budget.count()) + " ms"};
}

std::string Url::authority() const {
    bool is_default = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return is_default ? name : name + ":" + std::to_string(port);
}

Result<Url> parse_url(std::string_view text) {
    Url url;
    auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) {
        return fail(ErrorKind::usage,
                    "URL '" + std::string(text) + "' needs a scheme: http:// or https://");
    }
    url.scheme = std::string(text.substr(0, scheme_end));
    for (char& c : url.scheme) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (url.scheme != "http" && url.scheme != "https") {
        return fail(ErrorKind::usage,
                    "URL '" + std::string(text) + "': only http:// and https:// are supported");
    }
    std::string_view rest = text.substr(scheme_end + 3);
    auto path_start = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, path_start);
    if (authority.find('@') != std::string_view::npos) {
        return fail(ErrorKind::usage, "URL '" + std::string(text) +
                                          "': user information is not supported; use -H "
                                          "'Authorization: ...'");
    }
    auto parts = split_authority(authority, text);
    if (!parts) {
        return tl::unexpected(parts.error());
    }
    if (parts->first.empty()) {
        return fail(ErrorKind::usage, "URL '" + std::string(text) + "' has no host");
    }
    url.host = parts->first;
    url.port = default_port(url.scheme);
    if (!parts->second.empty()) {
        auto port = parse_port(parts->second, text);
        if (!port) {
            return tl::unexpected(port.error());
        }
        url.port = *port;
    }
    std::string_view target =
        path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
    target = target.substr(0, target.find('#'));
    for (char c : target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            return fail(ErrorKind::usage,
                        "URL '" + std::string(text) + "' contains a space or control character");
        }
    }
    url.has_path = !target.empty() && target != "?";
    url.target =
        target.empty() || target.starts_with('?') ? "/" + std::string(target) : std::string(target);
    return url;
}

struct Client::Impl {
    Impl(const Url& url, const ClientOptions& client_options)
        : origin(url.origin()), options(client_options), client(origin) {}
    std::string origin;
    ClientOptions options;
    httplib::Client client;
};

Client::Client(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::create(const Url& origin, const ClientOptions& options) {
    auto impl = std::make_unique<Impl>(origin, options);
    if (!impl->client.is_valid()) {
        return fail(ErrorKind::usage, "cannot make a client for " + impl->origin);
    }
    httplib::Client& client = impl->client;
    auto seconds = [](std::chrono::milliseconds d) {
        return std::pair{static_cast<time_t>(d.count() / 1000),
                         static_cast<time_t>((d.count() % 1000) * 1000)};
    };
    auto [connect_s, connect_us] = seconds(options.connect_timeout);
    auto [read_s, read_us] = seconds(options.timeout);
    client.set_connection_timeout(connect_s, connect_us);
    client.set_read_timeout(read_s, read_us);
    client.set_write_timeout(read_s, read_us);
    client.set_keep_alive(true);
    // cpp-httplib writes headers and body separately: without this, Nagle's algorithm and the
    // peer's delayed ACK hold every request on a kept-alive connection back by ~40 ms.
    client.set_tcp_nodelay(true);
    client.set_follow_location(false);
    client.set_decompress(false);
    if (origin.scheme == "https") {
        client.enable_server_certificate_verification(!options.insecure);
        if (!options.ca_file.empty()) {
            client.set_ca_cert_path(options.ca_file);
        }
    }
    return std::unique_ptr<Client>(new Client(std::move(impl)));
}

tl::expected<ClientResponse, ClientError> Client::send(const message::Message& request) {
    if (auto valid = message::validate_request(request); !valid) {
        return tl::unexpected(ClientError{Failure::other, valid.error().message});
    }
    httplib::Request outgoing;
    outgoing.method = request.method;
    outgoing.path = request.target;
    for (const message::Header& header : request.headers) {
        outgoing.headers.emplace(header.name, header.value);
    }
    outgoing.body = request.body;
    httplib::Response incoming;
    httplib::Error error = httplib::Error::Success;
    auto started = std::chrono::steady_clock::now();
    bool is_sent = m_impl->client.send(outgoing, incoming, error);
    auto latency = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    if (!is_sent) {
        // A response that does not come within the budget surfaces as a read error.
        if (error == httplib::Error::Read &&
            latency + std::chrono::milliseconds(50) >= m_impl->options.timeout) {
            return tl::unexpected(response_timeout(m_impl->origin, m_impl->options.timeout));
        }
        return tl::unexpected(ClientError{failure_of(error), describe(error, m_impl->origin)});
    }
    ClientResponse response;
    response.status = incoming.status;
    response.latency = latency;
    response.body = std::move(incoming.body);
    for (auto& [name, value] : incoming.headers) {
        response.headers.push_back({name, value});
    }
    return response;
}

} // namespace hooks::http
