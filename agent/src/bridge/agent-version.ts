/** The agent's release (agent/package.json `version`): sent in `hello` and in login tokens' `appVersion`. */
import pkg from "../../package.json";

export const AGENT_VERSION: string = pkg.version;
