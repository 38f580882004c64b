/**
 * The sandbox runtime's prelude: the compiler bundles it once per context, ahead of every workflow
 * module, so the deterministic globals are in place before any workflow or library code runs.
 * After the bundle has loaded, the host freezes the global object and every intrinsic (see
 * sandbox/lockdown.ts), so nothing installed here can be replaced by one run to affect another.
 *
 * Sandbox-safe: no Node imports.
 */
import { RUN_ENV_GLOBAL } from '../protocol/bundle.ts';
import { installClone } from './globals/clone.ts';
import { installConsole } from './globals/console.ts';
import { installDate } from './globals/date.ts';
import { envSlot } from './globals/env.ts';
import { installForbidden } from './globals/forbidden.ts';
import { installIntl } from './globals/intl.ts';
import { installRandom } from './globals/random.ts';
import { installText } from './globals/text.ts';
import { installTimers } from './globals/timers.ts';
import { installUrl } from './globals/url.ts';

// Runtime frames sit on top of the user's in captured stacks (command locations for nondeterminism
// errors); keep enough frames to reach the workflow source. Lockdown makes this read-only later.
Error.stackTraceLimit = 50;
Object.defineProperty(globalThis, RUN_ENV_GLOBAL, { value: envSlot, writable: false, configurable: false });
// Date before Intl: the Intl patch wraps the Date.prototype.toLocale* methods Date leaves in place.
installDate(globalThis);
installIntl(globalThis);
installRandom(globalThis);
installTimers(globalThis);
installConsole(globalThis);
installText(globalThis);
installClone(globalThis);
installUrl(globalThis);
// Last: it replaces `Function`, which the installers above must not see replaced.
installForbidden(globalThis);
