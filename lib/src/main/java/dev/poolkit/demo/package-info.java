/**
 * The demo and fault site: {@link dev.poolkit.demo.DemoSite}, pages and misbehaving routes on
 * 127.0.0.1 to aim a scraper at without the internet. The only room that needs
 * {@code jdk.httpserver}.
 */
package dev.poolkit.demo;
