// SPDX-License-Identifier: MIT
// `hooks inspect`: open a saved delivery log or HAR file in the browser inspector.
#include "cli/commands.hpp"
#include "cli/common_options.hpp"
#include "cli/inspector_thread.hpp"
#include "cli/stop_signals.hpp"
#include "core/inspect/feed.hpp"

#include <csignal>
#include <fstream>
#include <ostream>
#include <thread>

namespace hooks::cli {
namespace {

struct InspectOptions {
    std::string file;
    std::string to;
    ProviderOptions provider;
    SecretOptions secrets;
    std::optional<long long> tolerance_seconds;
    InspectorFlags ui;
};

/// The provider, secrets and tolerance to verify with, and where replays go.
Result<inspect::LoadOptions> verification_for(const InspectOptions& options,
                                              const providers::Registry& registry,
                                              Context& context) {
    inspect::LoadOptions load;
    load.registry = &registry;
    load.is_auto = options.provider.name == "auto";
    if (!options.provider.name.empty() && !load.is_auto) {
        auto scheme = registry.find(options.provider.name);
        if (!scheme) {
            return tl::unexpected(scheme.error());
        }
        load.scheme = *scheme;
    }
    auto secrets = resolve_usable_secrets(options.secrets, load.scheme, context);
    if (!secrets) {
        return tl::unexpected(secrets.error());
    }
    load.secrets = std::move(*secrets);
    if (options.tolerance_seconds) {
        load.tolerance = std::chrono::seconds(*options.tolerance_seconds);
    }
    return load;
}

Result<int> run_inspect(const InspectOptions& options, Context& context) {
    auto registry = load_registry(options.provider);
    if (!registry) {
        return tl::unexpected(registry.error());
    }
    auto load = verification_for(options, *registry, context);
    if (!load) {
        return tl::unexpected(load.error());
    }
    inspect::InspectorConfig config;
    config.source = options.file;
    if (!options.to.empty()) {
        auto url = http::parse_url(options.to);
        if (!url) {
            return fail(ErrorKind::usage, "--to: " + url.error().message);
        }
        config.replay_to = std::move(*url);
    }
    std::ifstream file(options.file, std::ios::binary);
    if (!file) {
        return fail(ErrorKind::input, "cannot open " + options.file);
    }
    inspect::Store store(inspect::Store::k_file_limit);
    auto loaded = inspect::load(file, options.file, *load, store);
    if (!loaded) {
        return tl::unexpected(loaded.error());
    }
    if (!loaded->warning.empty()) {
        context.err << "hooks: warning: " << loaded->warning << '\n';
    }
    if (loaded->dropped > 0) {
        context.err << "hooks: warning: showing the last " << store.limit() << " of "
                    << loaded->records << " deliveries\n";
    }
    config.registry = &*registry;
    config.scheme = load->scheme;
    config.is_auto = load->is_auto;
    config.secrets = load->secrets;
    config.tolerance = load->tolerance;
    config.clock = context.clock.get();
    StopSignals signals;
    auto started = InspectorThread::start(std::move(config), store, options.ui);
    if (!started) {
        return tl::unexpected(started.error());
    }
    context.err << "Read " << loaded->records << " deliveries from " << options.file << '\n'
                << "Inspector on " << (*started)->url() << '\n'
                << std::flush;
    while (!StopSignals::is_stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    started->reset();
    return StopSignals::signal_number() == SIGINT ? 130 : 0;
}

} // namespace

void register_inspect(CLI::App& command, Context& context) {
    auto options = std::make_shared<InspectOptions>();
    command
        .add_option("file", options->file,
                    "A delivery log (JSONL, as listen --log writes) or "
                    "a HAR file")
        ->required()
        ->type_name("FILE");
    command
        .add_option("--to", options->to,
                    "Where the inspector's replays go (without it, replay is off); the page "
                    "can never name another URL")
        ->type_name("URL");
    add_provider_options(command, options->provider, "", false);
    command.get_option("--provider")
        ->description("Verify as this provider ('auto': detect per delivery); without it, "
                      "the verdicts recorded in the log are shown");
    add_secret_options(command, options->secrets,
                       "a secret to verify and re-sign with (never sent to the page)");
    command
        .add_option("--tolerance", options->tolerance_seconds,
                    "Allowed timestamp age in seconds, as of when each delivery arrived "
                    "(default: the provider's; 0: no check)")
        ->type_name("SECONDS")
        ->check(whole_number(0, 100LL * 365 * 24 * 3600));
    command
        .add_option("--port", options->ui.port, "Port to serve on; 0 (default) picks a free one")
        ->check(whole_number(0, 65535));
    command
        .add_option("--ui-assets", options->ui.assets_dir,
                    "Serve the page from DIR instead of the copy built in (for developing it)")
        ->type_name("DIR");
    command.footer(
        "Serves on 127.0.0.1 only, until Ctrl-C; open the URL it prints (it holds a token that\n"
        "every request of the page needs).\n"
        "Exit status: 0 on SIGTERM; 2 bad usage or a file that does not read; 130 on Ctrl-C.\n"
        "Examples:\n"
        "  hooks inspect deliveries.jsonl\n"
        "  hooks inspect deliveries.jsonl --provider stripe --secret-env STRIPE_SECRET \\\n"
        "      --to http://127.0.0.1:3000/webhooks   # re-sign and replay to your app\n"
        "  hooks inspect export.har --provider auto --secret s");
    command.callback([options, &context] {
        context.action = [options, &context] { return run_inspect(*options, context); };
    });
}

} // namespace hooks::cli
