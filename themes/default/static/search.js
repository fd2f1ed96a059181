// quire search: ranks in the browser the index src/search.rs builds, loaded on first use.
// No dependencies. All content is shown with textContent, never as HTML.
(()=>{
const CJK=/[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{2fa1f}]/u,
	WORD=/[\p{Alphabetic}\p{N}\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0900-\u0dff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/u,
	MAX=32,TITLE=5,SHOW=5, // TITLE: title weight, tuned on bench/*.tsv
	{max,min,log,exp}=Math,all=a=>Promise.all(a),sum=a=>a.reduce((s,x)=>s+x,0),
	up=(a,k,v)=>a[k]=max(a[k]||0,v);
const normalize=s=>s.normalize('NFKC').toLowerCase().replace(/[\u00c0-\u1fff]/g,c=>c.normalize('NFD').replace(/[\u0300-\u036f]/g,''));

// Port of src/search/tokenizer.rs: words {w}, CJK runs {c}
const runs=text=>{
	const out=[],letter=c=>/\p{Alphabetic}/u.test(c)&&!CJK.test(c),flush=()=>(w&&out.push({w}),w='',n=0);
	let w='',n=0,run;
	[...normalize(text)].forEach((c,i,cs)=>{
		const p=cs[i-1],x=cs[i+1];
		if (CJK.test(c)) {flush(); run||out.push(run={c:[]}); return run.c.push(c);}
		run=0;
		if (WORD.test(c)) {if (n<MAX) w+=c,n++;}
		else if (w&&x&&(/['’]/.test(c)?letter(p)&&letter(x):/[.,]/.test(c)&&/^\p{N}\p{N}$/u.test(p+x))) {
			if (c=='.') ++n<MAX?w+=c:n=MAX;
		} else flush();
	});
	flush();
	return out;
};

const tokens=text=>runs(text).flatMap(({w,c})=>w?[w]:c.flatMap((x,i)=>c[i+1]?[x,x+c[i+1]]:[x]));

// FNV-1a over UTF-8, as src/search.rs `bucket`
const hash=s=>new TextEncoder().encode(s).reduce((h,b)=>Math.imul(h^b,0x01000193)>>>0,0x811c9dc5);

// varints (7 bits a byte, low first) and slices of u, from r.at
const reader=u=>{
	const r={at:0,take:n=>u.subarray(r.at,r.at+=n),num() {
		let v=0,m=1,b;
		do v+=((b=u[r.at++])&127)*m,m*=128; while (b>127);
		return v;
	}};
	return r;
};
const idf=(n,d)=>log(1+(n-d+.5)/(d+.5));

// get(path, json): a file under search/, as ArrayBuffer or JSON
const Engine=get=>{
	let meta;
	const ready=get('meta.json',true).then(m=>meta=m),files={},
		file=(p,json)=>files[p]??=get(meta.version+'/'+p,json).then(b=>json?b:new Uint8Array(b)),
		// token -> counts and postings (inline, or a file name)
		shard=n=>files[n]??=file(`s/${n}.bin`).then(u=>{
			const r=reader(u),{num,take}=r,map=new Map();
			for (let own=0;r.at<u.length;) {
				const tok=new TextDecoder().decode(take(num())),e={t:num(),s:num(),d:num(),m:num(),bytes:num()};
				e.bytes=e.bytes?take(e.bytes):`t/${n}-${own++}.bin`;
				map.set(tok,e);
			}
			return map;
		}),
		lookup=async t=>{t.recs=await all(t.alts.map(async ([a])=>(await shard(hash(a)%meta.shards)).get(a)));},
		// 3 commonest words/CJK bigrams starting with pre, weight v
		grow=async (t,pre,v,n=3)=>{for (const [w] of await file(`w/${hash([...pre].slice(0,2).join(''))%meta.words}.json`,true)) if (w!=pre&&w.startsWith(pre)&&n) n--,t.alts.push([w,v]);};

	// terms: words (the last one completed), CJK bigrams (else each char's top bigram), lone
	// CJK chars and what they start
	const terms=(rs,open)=>all(rs.flatMap(({w,c},i)=>w||!c[1]
		? {units:[i],alts:[[w||c[0],1]],more:!w||open&&!rs[i+1]&&[...w].length>1}
		: c.slice(1).map((x,k)=>({units:[i+':'+k,i+':'+(k+1)],alts:[[c[k]+x,1]],chars:[c[k],x]}))
	).map(async t=>{
		if (t.more) await grow(t,t.alts[0][0],.7);
		await lookup(t);
		if (t.chars&&!t.recs[0]) {t.alts=[];for (const c of t.chars) await grow(t,c,.4,1);await lookup(t)}
		return t;
	}));

	// page score: BM25 of title, headings, body (section impacts summed, then saturated)
	// times the squared share of the query covered
	const rank=async q=>{
		await ready;
		const rs=runs(q),ts=await terms(rs,q&&!/[\s\p{P}]$/u.test(q)),wt=ts.map(()=>0),
			pages={},secs={},rest={},units={},phr=[],at=p=>pages[p]??={p,s:0,t:[],b:[],h:[],best:0};
		await all(ts.map((t,ti)=>all(t.recs.map(async (r,ai)=>{
			if (!r) return;
			const w=t.alts[ai][1],is=w*idf(meta.sections,r.d),it=w*idf(meta.pages,r.t),
				u=await (typeof r.bytes=='string'?file(r.bytes):r.bytes),v=reader(u),{num}=v,seen={};
			let pg=0,low=127;
			wt[ti]=max(wt[ti],is);
			for (let i=0;i<r.t;i++) pg+=num(),up(at(pg).t,ti,it*num()/255);
			for (let i=pg=0;i<r.s;i++) {
				pg+=num();
				const s=num(),x=num(),e=secs[pg+':'+s]??={p:pg,s,b:[],h:[]};
				up(e.b,ti,is*(x>>1)/127); // x: impact<<1 | in heading
				if (x&1) up(e.h,ti,is);
				low=min(low,x>>1); seen[pg]=1;
			}
			// pages only in the bitmap: as if hit once, as weakly as the weakest
			for (let i=0;i<r.m*8;i++) if (u[v.at+(i>>3)]>>(i&7)&1&&!seen[i]) (rest[i]??=[])[ti]=is*low/127;
		}))));
		// coverage: a word or CJK char (either bigram covers it) weighs as its rarest term
		ts.forEach((t,ti)=>t.units.forEach(u=>up(units,u,wt[ti])));
		const total=sum(Object.values(units)),
			share=hit=>sum([...new Set(ts.flatMap((t,ti)=>hit(ti)?t.units:[]))].map(u=>units[u]))/total;
		for (const e of Object.values(secs)) {
			const pg=at(e.p),score=sum(ts.map((t,ti)=>{
				const b=e.b[ti]||0,h=e.h[ti]||0;
				pg.b[ti]=(pg.b[ti]||0)+b/wt[ti];
				up(pg.h,ti,h);
				return b+h;
			}))*share(ti=>e.b[ti]||e.h[ti]||pg.t[ti])**2;
			if (score>pg.best) pg.best=score,pg.s=e.s;
		}
		for (const k in pages) {
			const pg=pages[k],x=ts.map((t,ti)=>
				TITLE*(pg.t[ti]||0)+wt[ti]*(1-exp(-((pg.b[ti]||0)+(rest[k]?.[ti]||0)/wt[ti])))+(pg.h[ti]||0));
			pg.score=sum(x)*share(ti=>x[ti])**2;
		}
		// to highlight: CJK runs and word sequences, then the terms found
		rs.forEach(({w,c},i)=>phr.push(w&&rs[i-1]?.w?phr.pop()+' '+w:w||c.join('')));
		const needles=[...new Set([...phr,...ts.flatMap(t=>t.alts.filter((a,k)=>t.recs[k]).map(([a])=>a))])].sort((x,y)=>y.length-x.length);
		return {hits:Object.values(pages).sort((a,b)=>b.score-a.score||a.p-b.p),phr,needles};
	};

	// hits to show, reordered by the query's phrases found whole in them
	const resolve=async ({hits,phr,needles},from,to)=>{
		const len=phr.join('').length,
			near=(s,n=normalize(s||''))=>s&&len?sum(phr.map(p=>p.length>1&&n.includes(p)?p.length:0))/len:0;
		return (await all(hits.slice(from,to).map(async h=>{
			const f=await file(`p/${h.p}.json`,true),[heading,id,text]=f.s[h.s]||['','',''];
			return {title:f.t,path:f.u,heading,id,text,score:h.score*(1+(near(f.t)*.5+near(heading)*.3+near(text)*.2)),needles};
		}))).sort((a,b)=>b.score-a.score);
	};
	return {rank,resolve};
};

// [plain, marked] pieces of `text` around needles, near the first longest match
const snippet=(text,needles,size)=>{
	const map=[],spans=[],parts=[];
	let norm='',at=0,i=0;
	for (const c of text) {const n=normalize(c); for (let k=n.length;k--;) map.push(at); norm+=n; at+=c.length;}
	map.push(at); // offset in norm -> offset in text (at: text.length)
	while (i<norm.length) {
		// a word needle matches only at the start of a word
		const hit=needles.find(s=>norm.startsWith(s,i)&&!(i&&!CJK.test(s[0])&&WORD.test(s[0])&&WORD.test(norm[i-1])));
		if (hit) spans.push([map[i],map[i+=hit.length]]); else i++;
	}
	const first=spans.reduce((b,s)=>!b||s[1]-s[0]>b[1]-b[0]?s:b,0),
		start=first?max(0,first[0]-(size>>2)):0,end=min(at,start+size);
	let pos=start;
	if (start) parts.push(['…',0]);
	for (const [a,b] of spans) if (b>pos&&a<end) parts.push([text.slice(pos,a),0],[text.slice(max(pos,a),pos=min(b,end)),1]);
	parts.push([text.slice(pos,end)+(end<at?'…':''),0]);
	return parts;
};

if (typeof document=='undefined') return module.exports={normalize,tokens,hash,Engine,snippet}; // node tests
const d=document,[me,inp,box]=['script','input','results'].map(k=>d.getElementById('search-'+k));
if (!me||!inp||!box) return;
let eng,seq=0,sel=-1;
const text=k=>me.getAttribute('data-'+k)||'',root=text('root')||'./',page=!!d.querySelector('main #search-input'),
	on=(t,...a)=>t.addEventListener(...a),clear=(...nodes)=>box.replaceChildren(...nodes),
	el=(tag,cls,txt)=>Object.assign(d.createElement(tag),cls&&{className:'search-'+cls},txt&&{textContent:txt}),
	say=(k,cls=k)=>clear(el('p',cls,text(k))),
	load=()=>eng??=Engine(async (p,json)=>{
		const r=await fetch((text('index')||root+'search/')+p);
		if (!r.ok) throw Error(r.status);
		return json?r.json():r.arrayBuffer();
	});

const show=(found,from,list)=>{
	if (!from) clear(),sel=-1;
	if (!found.hits.length) return say('no-results','empty');
	const ul=box.querySelector('ul')||box.appendChild(el('ul','list')),to=from+list.length;
	for (const r of list) {
		const a=ul.appendChild(el('li')).appendChild(el('a'));
		a.href=root+r.path+(r.id?'#'+r.id:'');
		a.append(el('span','title',r.title));
		if (r.heading&&r.heading!=r.title) a.append(' › ',el('span','heading',r.heading));
		a.appendChild(el('p','snippet')).append(...snippet(r.text,r.needles,120).map(([s,mark])=>mark?el('mark','',s):s));
	}
	box.querySelector('button')?.remove();
	if (to<found.hits.length) box.appendChild(Object.assign(el('button','more',text('more')),
		{type:'button',onclick:async ()=>show(found,to,await eng.resolve(found,to,to+SHOW))}));
};

const run=async ()=>{
	const q=inp.value.trim(),mine=++seq,now=()=>mine==seq;
	if (page) history.replaceState(null,'',q?'?q='+encodeURIComponent(q):location.pathname);
	if (!q) return clear();
	if (!box.firstChild) say('loading');
	try {
		const found=await load().rank(q),list=await eng.resolve(found,0,SHOW);
		if (now()) show(found,0,list);
	} catch {if (now()) say('error');}
	if (now()) box.setAttribute('data-query',q); // the query shown, for tests and styles
};

on(inp,'focus',load,{once:true});
on(inp,'input',run);
on(inp,'keydown',ev=>{
	const k=ev.key,ls=box.querySelectorAll('a'),step={ArrowDown:1,ArrowUp:-1}[k],go=k=='Enter'&&ls.length;
	if (step||go) ev.preventDefault();
	if (step) {
		sel=max(-1,min(sel+step,ls.length-1));
		ls.forEach((a,i)=>a.setAttribute('aria-selected',i==sel));
		ls[sel]?.scrollIntoView({block:'nearest'});
	} else if (go) location.href=ls[max(sel,0)].href;
	else if (k=='Escape'&&!page) clear(),inp.blur();
});
on(d,'keydown',ev=>{
	const t=ev.target;
	if (ev.key=='/'&&!(t.isContentEditable||/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)||ev.ctrlKey||ev.metaKey||ev.altKey)) ev.preventDefault(),inp.focus();
});
on(d,'click',ev=>!page&&!inp.form.contains(ev.target)&&clear());
const q0=new URLSearchParams(location.search).get('q');
if (page&&q0) inp.value=q0,run();
})();
