<?php
/**
 * PHPUnit bootstrap: the plugin's own autoloader and the paths tests share.
 */

declare(strict_types=1);

require dirname( __DIR__ ) . '/src/autoload.php';

/** Repository root (the plugin is its `plugin-php/` folder). */
define( 'SANALPOS_REPO', dirname( __DIR__, 2 ) );

/** The native command-line tool: the reference answer for every engine (`make test-php` builds it). */
define( 'SANALPOS_CLI', getenv( 'SANALPOS_CLI' ) ?: SANALPOS_REPO . '/target/debug/sanalpos' );
