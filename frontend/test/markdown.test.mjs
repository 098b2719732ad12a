import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { Marked } from 'marked';
import createDOMPurify from 'dompurify';
import { createMarkdown, escapeHtml } from '../src/js/markdown.js';

const { window } = new JSDOM('<!doctype html><html><body></body></html>');
const { document } = window;
const markdown = createMarkdown({ Marked, purify: createDOMPurify(window) });

function render(text) {
  const element = document.createElement('div');
  markdown.renderInto(element, text);
  return element;
}

test('headings, lists and emphasis become HTML', () => {
  const element = render('# Title\n\n## Part\n\n- one\n- **two**\n\n1. first\n2. second\n');
  assert.equal(element.querySelector('h1').textContent, 'Title');
  assert.equal(element.querySelector('h2').textContent, 'Part');
  assert.deepEqual([...element.querySelectorAll('ul > li')].map((li) => li.textContent), ['one', 'two']);
  assert.equal(element.querySelector('ul strong').textContent, 'two');
  assert.equal(element.querySelectorAll('ol > li').length, 2);
});

test('a table is rendered inside a keyboard-scrollable wrapper, alignment kept without style attributes', () => {
  const element = render('| Name | Size |\n|:--|--:|\n| a | 1 |\n| b | 2 |\n');
  const wrap = element.querySelector('.table-wrap');
  assert.ok(wrap, 'wrapper');
  assert.equal(wrap.getAttribute('tabindex'), '0');
  assert.equal(wrap.getAttribute('role'), 'region');
  assert.deepEqual([...wrap.querySelectorAll('th')].map((th) => th.textContent), ['Name', 'Size']);
  assert.equal(wrap.querySelectorAll('tbody tr').length, 2);
  assert.equal(wrap.querySelector('td[align="right"]').textContent, '1');
  assert.equal(element.querySelector('[style]'), null);
});

test('a fenced code block gets a bar with its language and a copy button; its text stays literal', () => {
  const element = render('```java\nif (a < b && c > d) { return "<b>"; }\n```\n');
  const block = element.querySelector('.code-block');
  assert.ok(block);
  assert.equal(block.querySelector('.code-block__lang').textContent, 'java');
  const button = block.querySelector('button.code-block__copy');
  assert.equal(button.dataset.action, 'copy-code');
  assert.equal(button.getAttribute('aria-label'), 'Copy java code');
  assert.equal(block.querySelector('pre code').textContent, 'if (a < b && c > d) { return "<b>"; }\n');
  assert.equal(block.querySelector('pre code b'), null);
});

test('a code block without a language is labelled as text', () => {
  const block = render('```\nplain\n```\n').querySelector('.code-block');
  assert.equal(block.querySelector('.code-block__lang').textContent, 'text');
  assert.equal(block.querySelector('button').getAttribute('aria-label'), 'Copy code');
});

test('a half-streamed answer renders progressively: an unclosed fence is already a code block', () => {
  const partial = render('Here:\n\n```python\nprint("hi")\n');
  assert.equal(partial.querySelector('.code-block pre code').textContent.trim(), 'print("hi")');
  const partialTable = render('| a | b |\n|---|---|\n| 1 |');
  assert.ok(partialTable.querySelector('table'));
});

test('HTML written by the model is shown as text and never runs', () => {
  const element = render('Look <img src=x onerror="window.__xss=1"> here\n\n<script>window.__xss=2</script>\n\n<div onclick="x()">block</div>\n');
  assert.equal(element.querySelector('img, script, div[onclick], [onerror], [onclick]'), null);
  assert.match(element.textContent, /<img src=x onerror="window.__xss=1">/);
  assert.match(element.textContent, /<script>window.__xss=2<\/script>/);
  assert.equal(window.__xss, undefined);
});

test('<br> in a table cell is kept as a line break', () => {
  const element = render('| a |\n|---|\n| one<br>two |\n');
  assert.equal(element.querySelectorAll('td br').length, 1);
});

test('links open in a new tab without opener; javascript: links lose their target', () => {
  const element = render('[site](https://example.com) and [bad](javascript:alert(1)) and [data](data:text/html,<script>alert(1)</script>)');
  const links = [...element.querySelectorAll('a')];
  assert.equal(links[0].getAttribute('href'), 'https://example.com');
  assert.equal(links[0].getAttribute('target'), '_blank');
  assert.equal(links[0].getAttribute('rel'), 'noopener noreferrer');
  for (const link of links.slice(1)) {
    assert.doesNotMatch(link.getAttribute('href') ?? '', /^(javascript|data):/i);
  }
});

test('images from other sites become links (the page may only load its own or data: images)', () => {
  const element = render('![a chart](https://example.com/chart.png) ![dot](data:image/png;base64,iVBORw0KGgo=)');
  assert.equal(element.querySelectorAll('img').length, 1);
  assert.match(element.querySelector('img').getAttribute('src'), /^data:image\/png/);
  const link = element.querySelector('a');
  assert.equal(link.getAttribute('href'), 'https://example.com/chart.png');
  assert.equal(link.textContent, 'a chart');
});

test('task list checkboxes are shown but cannot be changed', () => {
  const element = render('- [x] done\n- [ ] todo\n');
  const boxes = [...element.querySelectorAll('input')];
  assert.equal(boxes.length, 2);
  assert.ok(boxes.every((box) => box.type === 'checkbox' && box.disabled));
});

test('the sanitizer removes handlers, scripts, styles and forms even if HTML reached it', () => {
  const clean = markdown.sanitize('<p style="color:red" onclick="x()">a</p><img src=x onerror=alert(1)><script>1</script>'
    + '<style>p{}</style><form action="/x"><input type="text"><button>go</button></form><a href="javascript:1">j</a><svg><circle/></svg>');
  assert.doesNotMatch(clean, /onclick|onerror|<script|<style|style=|<form|<button|javascript:|type="text"|<svg/);
  assert.match(clean, /<p>a<\/p>/);
});

test('escapeHtml escapes the five special characters', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
});
