/**
 * One reviewer's offline review form: a self-contained HTML page (inline CSS and JS, no network) listing each
 * blinded item — case presentation, confirmed diagnosis and accepted synonyms, the ranked candidates with one
 * verdict choice each, and a comment box. Progress is kept in the browser's localStorage; "Save CSV" downloads
 * the verdicts in the review CSV format (reviewCsv.ts: same columns and quoting), blank verdicts included, so a
 * part-done file can be saved and loaded back ("Load CSV"). The page holds case text: it goes to reviewers only.
 */
import { escapeHtml, jsonForScript } from "../../report/htmlEscape.js";

export interface FormItem {
    item: string;
    presentation: string;
    gold: string;
    synonyms: string[];
    candidates: string[];
}

export interface ReviewFormInput {
    packId: string;
    reviewer: string;
    items: readonly FormItem[];
    verdicts: readonly string[];
}

export function renderReviewForm({ packId, reviewer, items, verdicts }: ReviewFormInput): string {
    const title = `Diagnosis review ${packId} — ${reviewer}`;
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${CSS}</style></head><body>
<header><h1>${escapeHtml(title)}</h1>
<p>Grade every candidate against the confirmed final diagnosis: <b>exact</b> (the diagnosis or an accepted synonym),
<b>equivalent</b> (other wording you accept as the same diagnosis, at least as specific), <b>related</b> (a different but related
diagnosis), <b>wrong</b>. Models are hidden and the order is shuffled. Your progress stays in this browser; press Save CSV to
download your verdicts (saving part-way is fine) and send the file to the study lead.</p>
<div class="bar"><span id="progress"></span> <button id="save" type="button">Save CSV</button>
<label class="load">Load CSV <input id="load" type="file" accept=".csv,text/csv"></label> <span id="status" role="status"></span></div></header>
<main id="items"></main>
<script id="review-data" type="application/json">${jsonForScript({ packId, reviewer, items, verdicts })}</script>
<script>${FORM_JS}</script></body></html>
`;
}

const CSS = `body{font-family:system-ui,sans-serif;margin:0;color:#1d1d1f}header{position:sticky;top:0;background:#f6f8fa;border-bottom:1px solid #ccc;padding:8px 16px;z-index:1}
h1{font-size:1.2em;margin:4px 0}header p{margin:4px 0;font-size:.9em;max-width:1000px}.bar{display:flex;gap:12px;align-items:center}
main{padding:8px 16px;max-width:1000px}section{border:1px solid #ccc;border-radius:6px;margin:12px 0;padding:8px 12px}section.done{border-color:#3a8a3a}
.case{white-space:pre-wrap;background:#fafafa;padding:6px}.gold{margin:6px 0}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:3px 6px;text-align:left}
td.rank{width:2em;text-align:right}label.v{margin-right:10px;white-space:nowrap}textarea{width:100%;min-height:2.5em}.load input{display:none}
.load{border:1px solid #999;border-radius:3px;padding:1px 6px;cursor:pointer;background:#fff}#status{color:#555}`;

const FORM_JS = `
(function(){
var data=JSON.parse(document.getElementById('review-data').textContent);
var storeKey='mellama-review-'+data.packId+'-'+data.reviewer;
var state={v:{},c:{}};
try{var saved=JSON.parse(localStorage.getItem(storeKey)||'null');if(saved&&saved.v){state=saved;}}catch(e){}
function persist(){try{localStorage.setItem(storeKey,JSON.stringify(state));}catch(e){}}
function el(tag,attrs,text){var e=document.createElement(tag);for(var k in attrs){e.setAttribute(k,attrs[k]);}if(text!==undefined){e.textContent=text;}return e;}
var total=0;data.items.forEach(function(it){total+=it.candidates.length;});
function progress(){
  var n=0;data.items.forEach(function(it){var all=true;it.candidates.forEach(function(_,i){if(state.v[it.item+'|'+(i+1)]){n++;}else{all=false;}});
    var s=document.getElementById('item-'+it.item);if(s){s.className=all?'done':'';}});
  document.getElementById('progress').textContent=n+' of '+total+' candidates graded';
}
var main=document.getElementById('items');
data.items.forEach(function(it){
  var sec=el('section',{id:'item-'+it.item,'data-item':it.item});
  sec.appendChild(el('h2',{},'Case '+it.item));
  sec.appendChild(el('div',{'class':'case'},it.presentation));
  sec.appendChild(el('div',{'class':'gold'},'Confirmed diagnosis: '+it.gold+(it.synonyms.length?' (also accepted: '+it.synonyms.join('; ')+')':'')));
  var table=el('table',{});
  it.candidates.forEach(function(cand,i){
    var rank=i+1,key=it.item+'|'+rank,tr=el('tr',{'data-rank':String(rank)});
    tr.appendChild(el('td',{'class':'rank'},rank+'.'));tr.appendChild(el('td',{},cand));
    var td=el('td',{});
    data.verdicts.forEach(function(v){
      var lab=el('label',{'class':'v'});var inp=el('input',{type:'radio',name:'v-'+it.item+'-'+rank,value:v});
      if(state.v[key]===v){inp.checked=true;}
      inp.addEventListener('change',function(){state.v[key]=v;persist();progress();});
      lab.appendChild(inp);lab.appendChild(document.createTextNode(' '+v));td.appendChild(lab);
    });
    tr.appendChild(td);table.appendChild(tr);
  });
  sec.appendChild(table);
  var ta=el('textarea',{'aria-label':'comment on '+it.item,placeholder:'comment (optional)','data-comment':it.item});
  ta.value=state.c[it.item]||'';ta.addEventListener('input',function(){state.c[it.item]=ta.value;persist();});
  sec.appendChild(ta);main.appendChild(sec);
});
function field(s){s=String(s);return /[",\\r\\n]/.test(s)?'"'+s.replace(/"/g,'""')+'"':s;}
function toCsv(){
  var lines=['pack,reviewer,item,rank,candidate,verdict,comment'];
  data.items.forEach(function(it){it.candidates.forEach(function(cand,i){
    lines.push([data.packId,data.reviewer,it.item,i+1,cand,state.v[it.item+'|'+(i+1)]||'',i===0?(state.c[it.item]||''):''].map(field).join(','));});});
  return lines.join('\\r\\n')+'\\r\\n';
}
function parseCsv(text){
  var rows=[],row=[],f='',q=false,i=0;
  if(text.charCodeAt(0)===0xfeff){i=1;}
  for(;i<text.length;i++){var ch=text[i];
    if(q){if(ch==='"'){if(text[i+1]==='"'){f+='"';i++;}else{q=false;}}else{f+=ch;}}
    else if(ch==='"'){q=true;}else if(ch===','){row.push(f);f='';}
    else if(ch==='\\n'||ch==='\\r'){if(ch==='\\r'&&text[i+1]==='\\n'){i++;}row.push(f);rows.push(row);row=[];f='';}
    else{f+=ch;}}
  if(f!==''||row.length){row.push(f);rows.push(row);}
  return rows;
}
document.getElementById('save').addEventListener('click',function(){
  var blob=new Blob([toCsv()],{type:'text/csv'});var a=document.createElement('a');
  a.href=URL.createObjectURL(blob);a.download='review-'+data.packId+'-'+data.reviewer+'.csv';document.body.appendChild(a);a.click();
  setTimeout(function(){URL.revokeObjectURL(a.href);a.remove();},1000);
  document.getElementById('status').textContent='saved';
});
document.getElementById('load').addEventListener('change',function(ev){
  var file=ev.target.files[0];if(!file){return;}
  file.text().then(function(text){
    var rows=parseCsv(text),head=rows.shift()||[],ix={};head.forEach(function(h,i){ix[h.trim()]=i;});
    var n=0;rows.forEach(function(r){
      if(r[ix.pack]!==data.packId||r[ix.reviewer]!==data.reviewer){return;}
      var v=(r[ix.verdict]||'').trim().toLowerCase();
      if(data.verdicts.indexOf(v)>=0){state.v[r[ix.item]+'|'+r[ix.rank]]=v;n++;}
      if(r[ix.comment]){state.c[r[ix.item]]=r[ix.comment];}
    });
    persist();
    document.querySelectorAll('input[type=radio]').forEach(function(inp){var p=inp.name.split('-');var rank=p.pop();p.shift();inp.checked=state.v[p.join('-')+'|'+rank]===inp.value;});
    document.querySelectorAll('textarea[data-comment]').forEach(function(ta){ta.value=state.c[ta.getAttribute('data-comment')]||'';});
    progress();document.getElementById('status').textContent='loaded '+n+' verdicts';
  });
});
progress();
})();
`;
