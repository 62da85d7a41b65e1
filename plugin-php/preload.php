<?php
/**
 * opcache.preload snippet for FPM and CGI servers that keep PHP's default `ffi.enable=preload`:
 * PHP then allows FFI only from preloaded code, so this preloads the FFI engine. See docs/ffi.md.
 * Restart PHP after every plugin update (preloaded code is fixed until then), and remove the
 * opcache.preload line before deleting the plugin (PHP does not start when this file is missing).
 */

declare(strict_types=1);

// In dependency order: a preloaded class needs its interface preloaded first.
foreach ( array( 'Engine.php', 'EngineException.php', 'FfiEngine.php' ) as $sanalpos_file ) {
	if ( is_file( __DIR__ . '/src/Engine/' . $sanalpos_file ) ) {
		require_once __DIR__ . '/src/Engine/' . $sanalpos_file;
	}
}
