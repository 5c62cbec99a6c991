// Successful admin replies: raw XML as Icecast's admin_send_response sends it (text/xml, utf-8,
// with Content-Length), its html_success page, plain text and JSON. Errors go through
// sendError and the catalogue in errors.ts.
import type http from 'node:http';
import { sendText } from '../http-reply.ts';
import { htmlSuccess } from './documents.ts';
import { iceResponse } from './xml.ts';

export const XML_TYPE = 'text/xml; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';

export function sendXml(res: http.ServerResponse, doc: string): void {
  sendText(res, 200, XML_TYPE, doc);
}

export function sendIceResponse(res: http.ServerResponse, message: string, ok: boolean): void {
  sendXml(res, iceResponse(message, ok));
}

export function sendHtmlSuccess(res: http.ServerResponse, message: string): void {
  sendText(res, 200, 'text/html; charset=utf-8', htmlSuccess(message));
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON_TYPE, JSON.stringify(body));
}
