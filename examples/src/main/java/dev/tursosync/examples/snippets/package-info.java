/**
 * The code shown in the README and in {@code docs/}, compiled: each shown block is a region between
 * {@code // tag::name[]} and {@code // end::name[]}, and {@code DocumentationSnippetsTests} checks that the
 * documents show exactly these regions.
 */
package dev.tursosync.examples.snippets;
