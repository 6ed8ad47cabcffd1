// SPDX-License-Identifier: MIT
#include "cli/listen_options.hpp"

#include "core/http/response_text.hpp"
#include "core/text/duration.hpp"

#include <charconv>

namespace hooks::cli {
namespace {

Result<std::vector<listen::Route>> parse_routes(const std::vector<std::string>& specs) {
    std::vector<listen::Route> routes;
    for (const std::string& spec : specs) {
        auto equals = spec.find('=');
        if (equals == std::string::npos || equals == 0) {
            return fail(ErrorKind::usage, "--route '" + spec +
                                              "': expected GLOB=URL, such as 'invoice.*=" +
                                              "http://127.0.0.1:3000/billing'");
        }
        auto url = http::parse_url(std::string_view(spec).substr(equals + 1));
        if (!url) {
            return fail(ErrorKind::usage, "--route: " + url.error().message);
        }
        routes.push_back({spec.substr(0, equals), std::move(*url)});
    }
    return routes;
}

/// One --respond value's answer: "STATUS" or "@FILE" (an HTTP response as `curl -i` prints it).
Result<http::Response> parse_answer(const std::string& spec, const std::string& answer) {
    auto failure = [&spec](const std::string& reason) {
        return fail(ErrorKind::usage, "--respond '" + spec + "': " + reason);
    };
    if (answer.starts_with("@")) {
        auto text = read_file(answer.substr(1));
        if (!text) {
            return failure(text.error().message);
        }
        auto response = http::parse_response_text(*text);
        if (!response) {
            return failure(answer.substr(1) + ": " + response.error().message);
        }
        return std::move(*response);
    }
    int status = 0;
    auto [end, error] = std::from_chars(answer.data(), answer.data() + answer.size(), status);
    if (error != std::errc{} || end != answer.data() + answer.size() || status < 200 ||
        status > 599) {
        return failure("expected STATUS (200 to 599) or @FILE, optionally after GLOB=");
    }
    return listen::answer_with(status);
}

/// --respond [GLOB=]STATUS|@FILE, in order: the rules with a GLOB, and the one answer without.
Result<void> parse_responds(const std::vector<std::string>& specs, listen::ReceiverConfig& config) {
    bool has_default = false;
    for (const std::string& spec : specs) {
        // GLOB=ANSWER splits at the first '=': a GLOB holds none, and a FILE may.
        std::size_t equals = spec.starts_with("@") ? std::string::npos : spec.find('=');
        std::string pattern = equals == std::string::npos ? "" : spec.substr(0, equals);
        auto response =
            parse_answer(spec, spec.substr(equals == std::string::npos ? 0 : equals + 1));
        if (!response) {
            return tl::unexpected(response.error());
        }
        if (equals != std::string::npos && pattern.empty()) {
            return fail(ErrorKind::usage, "--respond '" + spec + "': empty GLOB before '='");
        }
        if (pattern.empty()) {
            if (has_default) {
                return fail(ErrorKind::usage,
                            "--respond: give one answer without a GLOB at most (the default)");
            }
            has_default = true;
            config.response = std::move(*response);
        } else {
            bool is_path = pattern.starts_with("/");
            config.respond_rules.push_back({std::move(pattern), is_path, std::move(*response)});
        }
    }
    return {};
}

/// --reject-invalid's status: 401 when given without one; it needs a secret to verify with.
Result<int> parse_reject_status(const std::string& text, const listen::ReceiverConfig& config) {
    if (config.secrets.empty()) {
        return fail(ErrorKind::usage, "--reject-invalid needs --provider and a secret to verify "
                                      "with");
    }
    if (text.empty()) {
        return 401;
    }
    int status = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), status);
    if (error != std::errc{} || end != text.data() + text.size() || status < 400 || status > 599) {
        return fail(ErrorKind::usage,
                    "--reject-invalid: '" + text + "' is not a status from 400 to 599");
    }
    return status;
}

/// --public-url: an http(s) URL without a query (each delivery's target is appended to it).
Result<http::Url> parse_public_url(const std::string& text) {
    auto url = http::parse_url(text);
    if (!url) {
        return fail(ErrorKind::usage, "--public-url: " + url.error().message);
    }
    if (url->target.find('?') != std::string::npos) {
        return fail(ErrorKind::usage, "--public-url: the URL cannot carry a query; each "
                                      "delivery's own target is appended to it");
    }
    return url;
}

} // namespace

/// Reads the flags into a receiver configuration; `registry` and `log` must outlive it.
Result<listen::ReceiverConfig> configure(const ListenOptions& options,
                                         const providers::Registry& registry, Context& context) {
    listen::ReceiverConfig config;
    config.registry = &registry;
    config.is_auto = options.provider.name == "auto";
    if (!options.provider.name.empty() && !config.is_auto) {
        auto scheme = registry.find(options.provider.name);
        if (!scheme) {
            return tl::unexpected(scheme.error());
        }
        config.scheme = *scheme;
    }
    if (gives_secret(options.secrets, context) && options.provider.name.empty()) {
        return fail(ErrorKind::usage, "a secret needs --provider NAME or --provider auto to "
                                      "check signatures with");
    }
    auto secrets = resolve_usable_secrets(options.secrets, config.scheme, context);
    if (!secrets) {
        return tl::unexpected(secrets.error());
    }
    config.secrets = std::move(*secrets);
    if (options.requires_valid && config.secrets.empty()) {
        return fail(ErrorKind::usage, "--require-valid needs --provider and a secret "
                                      "(--secret, --secret-file, --secret-env or HOOKS_SECRET)");
    }
    if (options.tolerance_seconds) {
        config.tolerance = std::chrono::seconds(*options.tolerance_seconds);
    }
    if (auto responds = parse_responds(options.responds, config); !responds) {
        return tl::unexpected(responds.error());
    }
    config.fail_first = options.fail_first;
    config.fail_rate = options.fail_rate;
    config.fail_status = options.fail_status;
    if (options.reject_invalid) {
        auto status = parse_reject_status(*options.reject_invalid, config);
        if (!status) {
            return tl::unexpected(status.error());
        }
        config.reject_status = *status;
    }
    auto delay = text::parse_duration(options.delay);
    if (!delay) {
        return fail(ErrorKind::usage, "--delay: " + delay.error().message);
    }
    config.delay = *delay;
    if (!options.public_url.empty()) {
        auto url = parse_public_url(options.public_url);
        if (!url) {
            return tl::unexpected(url.error());
        }
        config.public_url = std::move(*url);
    }
    if (!options.forward_to.empty()) {
        auto url = http::parse_url(options.forward_to);
        if (!url) {
            return fail(ErrorKind::usage, "--forward-to: " + url.error().message);
        }
        config.forward_to = std::move(*url);
    }
    auto routes = parse_routes(options.routes);
    if (!routes) {
        return tl::unexpected(routes.error());
    }
    config.routes = std::move(*routes);
    config.clock = context.clock.get();
    return config;
}

inspect::InspectorConfig inspector_config(const ListenOptions& options,
                                          const listen::ReceiverConfig& receiver) {
    inspect::InspectorConfig config;
    config.mode = "listen";
    config.source = options.host + ":" + std::to_string(options.port);
    config.registry = receiver.registry;
    config.scheme = receiver.scheme;
    config.is_auto = receiver.is_auto;
    config.secrets = receiver.secrets;
    config.tolerance = receiver.tolerance;
    config.replay_to = receiver.forward_to;
    for (const listen::Route& route : receiver.routes) {
        config.routes.push_back({route.pattern, route.url});
    }
    config.replay_options = receiver.forward_options;
    config.clock = receiver.clock;
    config.transport = receiver.transport;
    return config;
}

} // namespace hooks::cli
